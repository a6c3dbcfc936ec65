"""The grader's handling of files it cannot trust, without running any notebook (fast, no
root needed except where marked): odd notebook JSON, links and special files in the
submissions folder, scores.csv after kills and hostile notes, and the cgroup check.

Each test names the issue-10 item it covers.
"""
import csv
import json
import os
import threading
import time
from pathlib import Path

import nbformat
import pytest

from grading import common, environment, submission
from grading.scores import NOTES_MAX, ScoreFile, read_scores, row_from

ROOT = Path(__file__).resolve().parent.parent

RELEASE_NB = ROOT / "notebooks" / "five_steps.ipynb"  # any notebook with nbgrader metadata


def release_nb():
    return nbformat.read(RELEASE_NB, as_version=4)


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def cells_with(**cell):
    return {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


# ------------------------------------------------------------ item 3: odd notebook JSON
ODD = {
    "grade_id is a list": cells_with(cell_type="code", source="let a = 1;",
                                     metadata={"nbgrader": {"grade_id": ["five_steps-init"], "points": 5}}),
    "grade_id is a number": cells_with(cell_type="code", source="1", metadata={"nbgrader": {"grade_id": 7}}),
    "nbgrader metadata is a string": cells_with(cell_type="code", source="1", metadata={"nbgrader": "yes"}),
    "metadata is a list": cells_with(cell_type="markdown", source="x", metadata=[1, 2]),
    "source is a list of mixed things": cells_with(cell_type="code", source=["let a", 1, None, " = 2;"], metadata={}),
    "source is a dict": cells_with(cell_type="code", source={"a": 1}, metadata={}),
    "outputs are nonsense": cells_with(cell_type="code", source="1", outputs="lots", execution_count="x"),
    "unknown cell type": cells_with(cell_type="widget", source="1"),
    "a cell that is a number": {"cells": [3, None, "text"], "metadata": {}},
    "a bad cell id": cells_with(cell_type="code", source="1", id="../../etc/passwd"),
    "attachments and extra keys": cells_with(cell_type="markdown", source="x", attachments={"a": 1}, foo="bar"),
    "no nbformat at all": {"cells": []},
    "nbformat 3 keys": {"cells": [], "nbformat": 3, "worksheets": [{}]},
    "metadata kernelspec is odd": {"cells": [], "metadata": {"kernelspec": "python"}, "nbformat": 4},
    "a grade_id of the release on the wrong cell type": cells_with(
        cell_type="markdown", source="hi", metadata={"nbgrader": {"grade_id": "five_steps-check-init"}}),
    "a duplicate of a check": {"cells": [
        {"cell_type": "code", "source": "a", "metadata": {"nbgrader": {"grade_id": "five_steps-check-init"}}},
        {"cell_type": "code", "source": "b", "metadata": {"nbgrader": {"grade_id": "five_steps-check-init"}}}]},
    "a very long grade_id": cells_with(cell_type="code", source="1", metadata={"nbgrader": {"grade_id": "x" * 100_000}}),
}
UNREADABLE = {
    "not JSON": '{"cells": [ this is not json',
    "a JSON list": [1, 2, 3],
    "cells is not a list": {"cells": {"a": 1}},
    "not UTF-8": None,  # written as bytes below
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("case", ODD)
def test_odd_notebook_json_becomes_a_gradable_notebook(tmp_path, case):
    """Item 3: however odd the JSON, the merge gives a valid notebook (nbformat's schema) with
    the release's metadata on every known cell; never an exception."""
    path = write_json(tmp_path / "nb.ipynb", ODD[case])
    merged, notes = submission.merge(release_nb(), submission.read_submission(path))
    nbformat.validate(merged)
    rel = {submission.grade_id(c): c.metadata["nbgrader"] for c in release_nb().cells if submission.grade_id(c)}
    for cell in merged.cells:
        gid = submission.grade_id(cell)
        assert gid is None or cell.metadata["nbgrader"] == rel[gid], (case, gid)
        assert set(cell.metadata) <= {"nbgrader", "labkit_grading"}, cell.metadata
    assert sum(len(n) for n in notes) < 5000


@pytest.mark.parametrize("case", UNREADABLE)
def test_unreadable_files_say_so(tmp_path, case):
    path = tmp_path / "nb.ipynb"
    if UNREADABLE[case] is None:
        path.write_bytes(b'{"cells": ["\xff\xfe"]}')
    else:
        write_json(path, UNREADABLE[case])
    with pytest.raises(submission.Unreadable):
        submission.read_submission(path)


def test_hundreds_of_made_up_grade_ids_give_one_short_note(tmp_path):
    """Item 2: 500 markdown cells with made-up nbgrader ids give one bounded note, and the row
    written from them can be read back."""
    cells = [{"cell_type": "markdown", "source": "x", "metadata": {"nbgrader": {"grade_id": f"fake-{i:04d}" * 5}}}
             for i in range(500)]
    path = write_json(tmp_path / "nb.ipynb", {"cells": cells})
    merged, notes = submission.merge(release_nb(), submission.read_submission(path))
    about_ids = [n for n in notes if "nbgrader ids" in n]
    assert len(about_ids) == 1 and "500 cells" in about_ids[0] and len(about_ids[0]) < 1000, about_ids
    assert len(row_from({"student": "eve", "notebook": "five_steps", "score": 0, "max_score": 9,
                          "status": "ok", "notes": notes})["notes"]) <= NOTES_MAX


# ------------------------------------------------------------ item 4: links and special files
def make_subs(tmp_path):
    subs = tmp_path / "subs"
    good = write_json(subs / "alice" / "five_steps.ipynb", {"cells": []})
    (subs / "-x").mkdir()
    write_json(subs / "-x" / "five_steps.ipynb", {"cells": []})
    (subs / "zero").mkdir()
    os.symlink("/dev/zero", subs / "zero" / "five_steps.ipynb")
    (subs / "copycat").mkdir()
    os.symlink(good, subs / "copycat" / "five_steps.ipynb")
    os.symlink(subs / "alice", subs / "linked-folder")
    (subs / "fifo").mkdir()
    os.mkfifo(subs / "fifo" / "five_steps.ipynb")
    (subs / "folder").mkdir()
    (subs / "folder" / "five_steps.ipynb").mkdir()
    (subs / "huge").mkdir()
    with open(subs / "huge" / "five_steps.ipynb", "wb") as f:
        f.truncate(submission.MAX_BYTES + 10)
    return subs


@pytest.mark.parametrize("student,outcome", [
    ("alice", "copied"), ("-x", "copied"), ("zero", "symbolic link"), ("copycat", "symbolic link"),
    ("linked-folder", "Missing"), ("fifo", "not a regular file"), ("folder", "not a regular file"),
    ("nobody", "Missing"), ("huge", "Unreadable")])
def test_submissions_are_copied_without_following_links(tmp_path, student, outcome):
    """Item 4: the graded copy is made without following links or blocking on a FIFO."""
    subs = make_subs(tmp_path)
    dest = tmp_path / "copy" / student / "five_steps.ipynb"
    done = []
    thread = threading.Thread(target=lambda: done.append(_copy(subs, student, dest)), daemon=True)
    thread.start()
    thread.join(10)
    assert done, "copying blocked"
    (kind, message), = done
    if outcome == "copied":
        assert kind == "copied" and dest.read_bytes() == (subs / student / "five_steps.ipynb").read_bytes()
    else:
        assert not dest.exists()
        assert outcome in (kind, message) or outcome in message, (kind, message)


def _copy(subs, student, dest):
    try:
        submission.copy_in(subs, student, "five_steps.ipynb", dest)
        return "copied", ""
    except (submission.Missing, submission.Unreadable) as err:
        return type(err).__name__, str(err)


# ------------------------------------------------------------ items 2 and 5: scores.csv
def row(student, notebook="five_steps", score="9", status="ok", notes=""):
    return {"student": student, "notebook": notebook, "score": score, "max_score": "9", "status": status,
            "manual_max": "0", "seconds": "12.5", "notes": notes}


def test_a_row_with_hostile_notes_is_written_bounded_and_read_back(tmp_path):
    """Item 2: whatever the notes hold (quotes, newlines, commas, 100 kB), the row is bounded
    and the file reads back."""
    result = {"student": "eve", "notebook": "five_steps", "score": 0.0, "max_score": 9.0, "status": "ok",
              "notes": ['a "quoted", \n multi-line\r note,' * 2000] * 50}
    scores = ScoreFile(tmp_path / "scores.csv")
    scores.put(row_from(result))
    assert len(row_from(result)["notes"]) <= NOTES_MAX
    again = ScoreFile(tmp_path / "scores.csv")
    assert again.done() == {("eve", "five_steps")}
    assert again.rows["eve", "five_steps"] == row_from(result)


def test_put_replaces_a_row_in_place_and_nothing_else(tmp_path):
    """Item 5: a new result replaces its own row only; the others stay as they were."""
    scores = ScoreFile(tmp_path / "scores.csv")
    for r in (row("a"), row("a", "lab04", "3"), row("b")):
        scores.put(r)
    scores.put(row("a", score="4"))
    with open(tmp_path / "scores.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["notebook"], r["score"]) for r in rows] == [
        ("a", "five_steps", "4"), ("a", "lab04", "3"), ("b", "five_steps", "9")]


@pytest.mark.parametrize("cut", ["mid-row", "mid-field", "no-newline", "garbage-line", "empty-fields"])
def test_torn_rows_are_dropped_and_graded_again(tmp_path, cut):
    """Item 5: a row cut short (a kill, an old version) or filled with empty fields is not
    taken as a grade; its pair is graded again, the other rows stay."""
    path = tmp_path / "scores.csv"
    scores = ScoreFile(path)
    scores.put(row("a"))
    scores.put(row("b", score="5"))
    text = path.read_text()
    last = text.splitlines(keepends=True)[-1]
    head = text[:-len(last)]
    torn = {"mid-row": head + last[:len(last) // 2],
            "mid-field": head + last[:-4],
            "no-newline": head + last.rstrip("\r\n"),
            "garbage-line": head + last + "\x00\x00,,,\n",
            "empty-fields": head + "b,five_steps,,,,,,\n"}[cut]
    path.write_text(torn)
    again = ScoreFile(path)
    assert ("a", "five_steps") in again.done()
    if cut == "garbage-line":
        assert again.done() == {("a", "five_steps"), ("b", "five_steps")}
    else:
        assert ("b", "five_steps") not in again.done()
    assert read_scores(path)[1] == [], "the file was rewritten without the bad rows"


def test_a_kill_during_a_write_leaves_the_old_or_the_new_file(tmp_path):
    """Item 5: the file is replaced by a rename, so a reader at any moment sees a complete
    file (here: a reader racing 200 writes)."""
    path = tmp_path / "scores.csv"
    scores = ScoreFile(path)
    scores.put(row("a"))
    stop, bad = threading.Event(), []

    def reader():
        while not stop.is_set():
            rows, problems = read_scores(path)
            if problems or not rows:
                bad.append(problems)

    t = threading.Thread(target=reader)
    t.start()
    for i in range(200):
        scores.put(row(f"s{i}", notes="n" * 1500))
    stop.set()
    t.join()
    assert not bad, bad[:3]


def test_rows_grading_failed_for_are_graded_again(tmp_path):
    scores = ScoreFile(tmp_path / "scores.csv")
    scores.put(row("a", status="grader error", score="0"))
    scores.put(row("b"))
    assert ScoreFile(tmp_path / "scores.csv").done() == {("b", "five_steps")}


# ------------------------------------------------------------ item 8: limits or nothing
def fake_cgroups(root, kind):
    if kind == "v1":
        for ctl in ("memory", "pids"):
            (root / ctl).mkdir(parents=True)
            (root / ctl / "tasks").write_text("")
    elif kind.startswith("v2"):
        root.mkdir(parents=True)
        (root / "cgroup.subtree_control").write_text(kind.split(":")[1].replace(",", " ") + "\n")
    return root


@pytest.mark.parametrize("kind,mode", [("v1", "v1"), ("v2:cpu,memory,pids", "v2"), ("v2:cpu,memory", None),
                                       ("v2:", None), ("none", None)])
def test_cgroup_version_is_detected(tmp_path, kind, mode):
    root = fake_cgroups(tmp_path / "cg", kind) if kind != "none" else tmp_path / "nothing"
    assert common.cgroup_mode(root) == mode


@pytest.mark.skipif(os.geteuid() != 0, reason="the check is made only when grading as root")
def test_grading_refuses_to_start_without_memory_and_process_limits(monkeypatch):
    monkeypatch.setattr(environment, "cgroup_mode", lambda *a: None)
    with pytest.raises(SystemExit) as err:
        environment.check_environment()
    message = str(err.value)
    assert "no memory and process limits per notebook" in message and "cgroup.subtree_control" in message


def test_the_kernel_refuses_to_start_without_a_cgroup():
    """kernel.sh has no rlimit fallback: without its cgroup it exits before starting evcxr."""
    text = (ROOT / "grading" / "sandbox" / "kernel.sh").read_text()
    guard = text.index('if [[ -z $limited ]]; then')
    assert "exit 1" in text[guard:guard + 200]
    assert text.index("chroot") > guard and "ulimit -v" not in text and "ulimit -u" not in text


# ------------------------------------------------------------ items 1 and 9: output as it arrives
def executor(tmp_path, **config):
    from grading import nbgrader_rust

    reference = write_json(tmp_path / "reference.json", {"five_steps-check-init": {"init(7)": {}, "init(8)": {}}})
    ex = nbgrader_rust.SandboxedExecute(expected=str(reference), **config)
    check = nbformat.v4.new_code_cell("report", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "five_steps-check-init", "points": 1}})
    ex.nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("let a = 1;"), check])
    ex._notebook_bytes = 0
    ex._expected_names = json.loads(reference.read_text())
    ex._timed_out = None
    for name in ("_output_bytes", "_output_objects", "_records_kept"):
        setattr(ex, name, 0)
    ex._truncated = ex._stderr_dropped = ex._stderr_seen = False
    ex._notice = None
    ex._records_seen, ex._streams = set(), []
    ex.clear_before_next_output = False
    return ex


def stream(text, name="stdout"):
    return {"msg_type": "stream", "header": {"msg_type": "stream"}, "parent_header": {"msg_id": "m"},
            "content": {"name": name, "text": text}}


def record(name):
    return f'@labkit-record {{"name": "{name}", "shape": [], "values": [1.0]}}\n'


def finish(ex):
    for out, pieces in ex._streams:
        out.text = "".join(pieces)


def test_a_flood_of_lines_becomes_few_outputs_within_the_caps(tmp_path):
    """Item 1: 600,000 one-line messages, alternating stdout and stderr after the first
    100,000: at most max_output_objects outputs and max_output_bytes of text, in linear time."""
    ex = executor(tmp_path, max_output_bytes=100_000, max_output_objects=50)
    outs = []
    started = time.monotonic()
    for i in range(600_000):
        ex.output(outs, stream("x\n", "stderr" if i > 100_000 and i % 2 else "stdout"), None, 0)
    finish(ex)
    assert time.monotonic() - started < 30
    assert len(outs) <= 50 + 3
    assert sum(len(o.text) for o in outs) <= 100_000 + 500
    assert any(o.name == "stderr" for o in outs), "that stderr was written is kept"
    assert "was dropped" in outs[-1].text


def test_records_are_kept_beyond_the_caps_and_end_the_wait(tmp_path):
    """Items 1 and 9: a check's records arriving after a flood are kept; the check's output
    counts as complete only when every expected record has arrived (or the cell failed)."""
    ex = executor(tmp_path, max_output_bytes=1_000, max_output_objects=10)
    outs = []
    for _ in range(5000):
        ex.output(outs, stream("noise\n"), None, 1)
    check = ex.nb.cells[1]
    check.outputs = outs
    assert not ex.late_output_complete(check), "no record yet: keep reading"
    assert ex.late_output_complete(ex.nb.cells[0]), "not a check cell: nothing to wait for"
    ex.output(outs, stream(record("init(7)")), None, 1)
    assert not ex.late_output_complete(check)
    ex.output(outs, stream(record("init(8)")), None, 1)
    assert ex.late_output_complete(check)
    finish(ex)
    text = "".join(o.text for o in outs if o.name == "stdout")
    assert record("init(7)") in text and record("init(8)") in text


def test_a_failed_check_does_not_wait_for_its_records(tmp_path):
    ex = executor(tmp_path)
    check = ex.nb.cells[1]
    assert not ex.late_output_complete(check)
    check.outputs.append(nbformat.v4.new_output("error", ename="Error", evalue="cannot find value `b`"))
    assert ex.late_output_complete(check), "a compile error: no records will come"
    ex = executor(tmp_path)
    ex.output(ex.nb.cells[1].outputs, stream("thread 'main' panicked\n", "stderr"), None, 1)
    assert ex.late_output_complete(ex.nb.cells[1]), "a panic: no more records will come"


# ------------------------------------------------------------ item 6: a template that is really warm
@pytest.mark.parametrize("ran,full", [(False, False), (True, False)])
def test_the_template_is_refused_unless_every_solution_ran_with_full_marks(tmp_path, monkeypatch, ran, full):
    """A solution that stopped early (under load, say) or whose checks did not all report
    values leaves the template unaccepted: no template.key, nothing graded."""
    import argparse
    import contextlib

    from grading import reference

    monkeypatch.setattr(reference, "STATE", tmp_path)
    monkeypatch.setattr(reference, "template_key", lambda sysroot: "key")
    monkeypatch.setattr(reference, "SANDBOX_UID", os.getuid())
    monkeypatch.setattr(reference, "Slots", lambda n: type("S", (), {"take": staticmethod(contextlib.nullcontext)})())
    monkeypatch.setattr(reference, "run_solution", lambda args, name, slot, mode, key:
                        (ran, full) if name == "lab04" else (True, True))
    args = argparse.Namespace(sysroot="", cell_timeout=1, notebook_timeout=1, memory_mb=1)
    with pytest.raises(SystemExit, match="lab04"):
        reference.ensure_template(args, ["five_steps", "lab04", "gistemp"])
    assert not (tmp_path / "template.key").exists()
    monkeypatch.setattr(reference, "run_solution", lambda *a: (True, True))
    assert reference.ensure_template(args, ["five_steps", "lab04"]) == "key"
    assert (tmp_path / "template.key").read_text() == "key"


def test_a_regrade_stopped_half_way_resumes_without_mixing_old_and_new(tmp_path):
    """Item 5: after `--regrade` is killed, a plain restart still regrades the pairs whose old
    rows were not replaced yet (and only those)."""
    scores = ScoreFile(tmp_path / "scores.csv")
    for s in ("a", "b", "c"):
        scores.put(row(s, score="1"))
    scores.start_regrade([("a", "five_steps"), ("b", "five_steps")])
    assert scores.done() == {("c", "five_steps")}
    scores.put(row("a", score="9"))                    # then: kill -9
    again = ScoreFile(tmp_path / "scores.csv")
    assert again.done() == {("a", "five_steps"), ("c", "five_steps")}
    assert again.rows["b", "five_steps"]["score"] == "1", "the old row stays until replaced"
    again.put(row("b", score="9"))
    assert not (tmp_path / "regrade-pending.json").exists()


def test_a_lone_surrogate_in_a_submission_cannot_stop_the_grader(tmp_path):
    """A JSON escape like "\\ud800" (no UTF-8 form) in a grade_id or a source: the notebook is
    written, the notes and the row too, and later rows are not blocked."""
    path = write_json(tmp_path / "nb.ipynb", '{"cells": [{"cell_type": "code", "source": "// \\ud800", '
                      '"metadata": {"nbgrader": {"grade_id": "x\\ud800"}}}]}')
    merged, notes = submission.merge(release_nb(), submission.read_submission(path))
    nbformat.write(merged, tmp_path / "out.ipynb")
    scores = ScoreFile(tmp_path / "scores.csv")
    scores.put(row_from({"student": "eve", "notebook": "five_steps", "score": 0, "max_score": 9,
                         "status": "ok", "notes": notes + ["\ud800"]}))
    scores.put(row("bob"))
    assert ScoreFile(tmp_path / "scores.csv").done() == {("eve", "five_steps"), ("bob", "five_steps")}


def test_rows_of_notebooks_the_course_no_longer_has_are_kept(tmp_path):
    scores = ScoreFile(tmp_path / "scores.csv")
    scores.put(row("a", notebook="retired_lab"))
    assert ("a", "retired_lab") in ScoreFile(tmp_path / "scores.csv").rows
