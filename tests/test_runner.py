"""The notebook runner must fail loudly: the failing cell and its error are reported, a
panic counts as a failure, and a notebook that hangs is stopped by the timeout."""
from pathlib import Path

import nbformat
import pytest

from tools import run_notebooks
from tools.late_output import PANIC_MIME, panic_as_stderr

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = ROOT / "tests" / "fixtures"


def run(name, tmp_path, **limits):
    limits = {"cell_timeout": 300, "notebook_timeout": 600, **limits}
    return run_notebooks.run_one(FIXTURES / name, tmp_path, limits["cell_timeout"], limits["notebook_timeout"])


def test_passing_notebook_is_ok_and_rendered(tmp_path):
    result = run("passing.ipynb", tmp_path)
    assert result["ok"], result["failure"]
    assert "mean = 2.5" in (tmp_path / "passing.html").read_text()


def test_compile_error_names_the_cell_and_the_error(tmp_path):
    result = run("compile_error.ipynb", tmp_path)
    assert not result["ok"]
    assert result["failed_cell"] == 1
    assert "mismatched types" in result["failure"]


def test_panic_fails_the_notebook(tmp_path):
    result = run("panic.ipynb", tmp_path)
    assert not result["ok"]
    assert result["failed_cell"] == 1
    assert "loss 0.5 is too high" in result["failure"]


def test_hanging_cell_is_stopped_by_the_timeout(tmp_path):
    result = run("hang.ipynb", tmp_path, cell_timeout=20)
    assert not result["ok"]
    assert "timed out" in result["failure"]
    assert result["failed_cell"] == 1
    assert result["wall_seconds"] < 120
    assert (tmp_path / "hang.ipynb").exists(), "a timed-out notebook is still written for inspection"


def test_main_exits_nonzero_when_a_notebook_fails(tmp_path, capsys):
    status = run_notebooks.main([str(FIXTURES / "panic.ipynb"), "--out", str(tmp_path)])
    assert status == 1
    assert "FAILED" in capsys.readouterr().out


def test_a_panic_reported_after_the_last_cell_finished_still_fails(tmp_path):
    """evcxr forwards stderr on its own thread: a panic message can arrive after the cell's
    reply. Here a thread panics 0.3 s after the last cell returned."""
    result = run("late_panic.ipynb", tmp_path)
    assert not result["ok"]
    assert result["failed_cell"] == 1
    assert "late: loss 0.5 is too high" in result["failure"]


def test_rerun_mode_passes_a_notebook_whose_cells_can_run_again(tmp_path):
    result = run_notebooks.run_one(FIXTURES / "passing.ipynb", tmp_path, 300, 600, rerun=True)
    assert result["ok"], result["failure"]


def test_rerun_mode_fails_a_cell_that_changes_its_own_input(tmp_path):
    result = run_notebooks.run_one(FIXTURES / "rerun_rebinds.ipynb", tmp_path, 300, 600, rerun=True)
    assert not result["ok"]
    assert result["failed_cell"] == 1
    assert "run twice in a row" in result["failure"] and "x = 2" in result["failure"] and "x = 3" in result["failure"]


def test_rerun_mode_fails_a_cell_that_a_later_cell_changes(tmp_path):
    result = run_notebooks.run_one(FIXTURES / "rerun_all_changes.ipynb", tmp_path, 300, 600, rerun=True)
    assert not result["ok"]
    assert result["failed_cell"] == 0
    assert "second Run All" in result["failure"] and 'Some("yes")' in result["failure"]


def test_pages_for_readers_leave_out_the_graders_markers_and_hidden_tests():
    import nbformat

    from tools import course_site

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("fn f() -> i32 {\n    // BEGIN SOLUTION\n    1\n    // END SOLUTION\n}"),
                nbformat.v4.new_code_cell("// BEGIN HIDDEN TESTS\nlabkit::report(\"f\", f());\n// END HIDDEN TESTS\n"
                                          "assert_eq!(f(), 1);\nprintln!(\"check f: 1 ok\");"),
                nbformat.v4.new_markdown_cell("// BEGIN SOLUTION stays in prose")]
    clean = course_site.for_readers(nb)
    assert clean.cells[0].source == "fn f() -> i32 {\n    1\n}"
    assert clean.cells[1].source == "assert_eq!(f(), 1);\nprintln!(\"check f: 1 ok\");"
    assert clean.cells[2].source == nb.cells[2].source
    assert "BEGIN SOLUTION" in nb.cells[0].source, "the notebook itself is left as it was"


def test_starting_the_kernel_leaves_its_kernelspec_alone(tmp_path):
    """evcxr_jupyter rewrites $JUPYTER_PATH/kernels/rust/kernel.json with its own argv when the
    folder's version.txt is not its own; the wrapper must keep it from replacing itself (the
    next kernel would run without slots or settings) or a user's own kernelspec."""
    import json
    import os

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = tmp_path / "jupyter" / "kernels" / "rust"
    spec_dir.mkdir(parents=True)
    spec = json.loads((ROOT / ".venv" / "share" / "jupyter" / "kernels" / "rust" / "kernel.json").read_text())
    assert spec["argv"][0] == str(ROOT / "tools" / "rust-kernel")
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    env = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter"), "LABKIT_EVCXR_TMPDIR": str(tmp_path / "evcxr")}
    km = KernelManager(kernel_name="rust", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "jupyter" / "kernels")]))
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        assert kc.execute_interactive("let a = 1;", timeout=120)["content"]["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert json.loads((spec_dir / "kernel.json").read_text())["argv"] == spec["argv"]
    assert not (spec_dir / "version.txt").exists()


class NoWaiting(run_notebooks.RustNotebookClient):
    """Reads nothing after a cell's reply."""

    late_output_max_wait = 0.0

    def late_output_quiet_after(self, cell_index):
        return 0.0


def test_a_labkit_panic_is_in_its_cell_when_the_cell_ends(tmp_path):
    """The runner's kernels send labkit panics as output that arrives before the cell's reply
    (late_output.py): no wait is needed. Here 5,000 lines of stderr, written just before the
    panic, are still on their way when the cell ends; the panic message is not."""
    nb = nbformat.read(FIXTURES / "labkit_panic.ipynb", as_version=4)
    NoWaiting(nb, kernel_name="rust", timeout=600, resources={"metadata": {"path": str(FIXTURES)}}).execute()
    last = nb.cells[-1]
    stderr = [o.text for o in last.outputs if o.get("name") == "stderr"]
    assert any(t == "loss 0.5 is too high\n" for t in stderr), last.outputs[-3:]
    assert not any(PANIC_MIME in o.get("data", {}) for c in nb.cells for o in c.outputs)


def test_a_panic_block_becomes_stderr_after_the_rest_of_its_output():
    msg = {"msg_type": "execute_result", "header": {"msg_type": "execute_result"},
           "content": {"execution_count": 3, "metadata": {},
                       "data": {"text/html": "<b>plot</b>", PANIC_MIME: "left: 1\nright: 2"}}}
    rest, stream = panic_as_stderr(msg)
    assert rest["content"]["data"] == {"text/html": "<b>plot</b>"}
    assert (stream["msg_type"], stream["header"]["msg_type"]) == ("stream", "stream")
    assert stream["content"] == {"name": "stderr", "text": "left: 1\nright: 2\n"}
    only = {**msg, "content": {**msg["content"], "data": {PANIC_MIME: "boom"}}}
    assert [m["msg_type"] for m in panic_as_stderr(only)] == ["stream"]
    plain = {"msg_type": "stream", "content": {"name": "stdout", "text": "x"}}
    assert panic_as_stderr(plain) == [plain]
