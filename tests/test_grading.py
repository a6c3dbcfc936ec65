"""Auto-grading (grading/, `make release`, `make grade`): the student versions, the corpus of
submissions with known grades (tests/corpus/), and what hostile student code can and cannot do.

The submissions are made here from the released student notebooks: the stubs
(`// YOUR CODE HERE` + `todo!()`) are filled with the instructor's solutions (taken from
build/course/source) or with other code, and cells are edited, deleted or added. Grading runs
student code in a root-only sandbox (namespaces, cgroups, another uid), so most of these tests
need root; the judge (grading/judge.py) and the corpus builder have fast tests without it.

five_steps' checks and points: init 1, predict 1, loss 2, gradients 1, update 1, train 3 = 9.
A wrong step fails every later check whose functions call it, which the expected sets below
account for.
"""
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import NOTEBOOKS, TIMINGS as TIMES
from tests.corpus import Submission, build, corpus
from tests.corpus.five_steps import SOLVED_INLINE_TRAIN
from tools.course import CELL_TIMEOUT, DEP_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "build" / "course" / "source" / "labs"
RELEASED = ROOT / "build" / "release" / "notebooks"
RUNS = ROOT / "build" / "grading" / "runs"
FIVE = "five_steps"

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the grading sandbox needs root "
                                "(namespaces, cgroups, an unprivileged uid)")


# ------------------------------------------------------------------ making submissions
def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def cell_of(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def fill(name, bodies=None, extra=None, insert=None):
    """The student version with each stub replaced by the body of the same function in
    `bodies` (by function name) or else the instructor's; `extra` appends top-level code to
    solution cells, `insert` adds a code cell before a cell (both by grade_id)."""
    sub = Submission(name, "", 0, bodies=bodies or {}, extra=extra or {}, insert=insert or {})
    return build(sub, nbformat.read(RELEASED / f"{name}.ipynb", as_version=4),
                 nbformat.read(SOURCE / f"{name}.ipynb", as_version=4))


def put(nb, folder, name=FIVE):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


# the update step done right inside train, so that train is right while `update` is wrong
INLINE_TRAIN = SOLVED_INLINE_TRAIN
WRONG_UPDATE = "(b + lr * b_grad, w + lr * w_grad)"


def escape_code(port, paths):
    """Top-level code that tries to get out of the sandbox and prints what happened."""
    removes = ", ".join(json.dumps(str(p)) for p in paths)
    return f"""
// hostile: HTML in the feedback, delete files, read the project, connect out, flood the output
println!("EVCXR_BEGIN_CONTENT text/html\\n<script>alert('owned')</script><b>bold</b>\\nEVCXR_END_CONTENT");
for p in [{removes}, "/course/crate/src/lib.rs", "/etc/passwd", "/opt/rust/bin/cargo", "/usr/bin/env"] {{
    println!("remove {{p}}: {{:?}}", std::fs::remove_file(p).map_err(|e| e.kind()));
    println!("remove dir {{p}}: {{:?}}", std::fs::remove_dir_all(std::path::Path::new(p).parent().unwrap()).map_err(|e| e.kind()));
}}
println!("read solutions: {{:?}}", std::fs::read_to_string({json.dumps(str(SOURCE / (FIVE + '.ipynb')))}).map(|s| s.len()).map_err(|e| e.kind()));
for addr in ["127.0.0.1:{port}", "1.1.1.1:443"] {{
    let a: std::net::SocketAddr = addr.parse().unwrap();
    println!("connect {{addr}}: {{:?}}", std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2)).map(|_| ()).map_err(|e| e.kind()));
}}
println!("{{}}", std::fs::read_to_string("/proc/self/status").unwrap().lines().filter(|l| l.starts_with("Uid")).collect::<String>());
let long = "x".repeat(1000);
for i in 0..2000 {{ println!("flood {{i}} {{long}}"); }}
"""


def hostile_submissions(folder, port, canaries):
    """{student: (failing checks, status)} and the submissions in folder/<student>/."""
    expected = {}

    def add(student, nb, failing, status="ok"):
        put(nb, folder / student)
        expected[student] = (set(failing), status)

    add("t-full", fill(FIVE), [])
    add("t-panic", fill(FIVE, {"update": 'panic!("boom")'}), ["update", "train"])
    add("t-loop", fill(FIVE, {"train": "loop { std::hint::black_box(0); }"}), ["train"], "cell time limit")
    # the runtime is killed when the cgroup's memory is full: its variables are lost
    add("t-memory", fill(FIVE, {"predict": "let mut v: Vec<Vec<u8>> = Vec::new();\nloop { v.push(vec![1u8; 1 << 28]); }"}),
        ["predict", "loss", "gradients", "train"], "memory limit")  # update's check needs no data
    add("t-escape", fill(FIVE, extra={"five_steps-init": escape_code(port, canaries)}), [])
    # kills the kernel (the runtime's parent process) in train
    kill = ('let _ = std::process::Command::new("kill").args(["-9", &std::os::unix::process::parent_id().to_string()]).status();\n'
            "std::thread::sleep(std::time::Duration::from_secs(5));\ntodo!()")
    add("t-killer", fill(FIVE, {"train": kill}), ["train"], "kernel died")
    # tampering: wrong update whose check is replaced by prints; train right but its check
    # deleted; points and cell roles changed in the metadata; a new 100-point "check"
    nb = fill(FIVE, {"update": WRONG_UPDATE, "train": INLINE_TRAIN})
    cell_of(nb, "five_steps-check-update").source = 'println!("check updated b: 0.02809758 ok");'
    cell_of(nb, "five_steps-check-loss").metadata["nbgrader"]["points"] = 100
    cell_of(nb, "five_steps-predict").metadata["nbgrader"].update(grade=True, points=50)
    nb.cells = [c for c in nb.cells if grade_id(c) != "five_steps-check-train"]
    nb.cells.append(nbformat.v4.new_code_cell('println!("check bonus: 1 ok");', metadata={"nbgrader": {
        "grade": True, "grade_id": "five_steps-check-bonus", "locked": True, "points": 100,
        "schema_version": 3, "solution": False, "task": False}}))
    add("t-tamper", nb, ["update", "train"])
    # cheating from inside: silence panics, shadow assert!/assert_eq!, print fake passes, exit
    silence = 'std::panic::set_hook(Box::new(|_| {}));\nprintln!("check updated b: 0.02809758 ok");'
    shadow = ("macro_rules! assert { ($($t:tt)*) => { () }; }\nmacro_rules! assert_eq { ($($t:tt)*) => { () }; }\n"
              'println!("check updated w: 0.71235773 ok");')
    add("t-cheat", fill(FIVE, {"update": WRONG_UPDATE, "train": "std::process::exit(0)"},
                        {"five_steps-init": silence, "five_steps-update": shadow}), ["update", "train"])
    (folder / "t-garbage").mkdir()
    (folder / "t-garbage" / f"{FIVE}.ipynb").write_text('{"cells": [ this is not json')
    expected["t-garbage"] = (None, "unreadable")
    (folder / "t-nobody").mkdir()
    expected["t-nobody"] = (None, "missing")
    # issue 10: a build script that never ends (stopped at the cell limit; the points before
    # it are kept; the interrupt restarts evcxr's runtime, so the cells after it lose their
    # variables), an output flood on stdout and stderr, a student id that looks like an
    # option, links to /dev/zero and to a classmate's notebook, odd nbgrader metadata
    add("t-forever", fill(FIVE, insert={"five_steps-check-loss": FOREVER_CRATE, "five_steps-check-gradients": FOREVER_DEP}),
        ["gradients", "train"], "cell time limit")
    add("t-flood", fill(FIVE, insert={"five_steps-check-loss": 'loop { println!("x"); eprintln!("y"); }'}),
        ["loss", "gradients", "update", "train"], "cell time limit")  # (the cells after the flood time out too)
    add("-x", fill(FIVE), [])
    (folder / "t-zero-link").mkdir()
    (folder / "t-zero-link" / f"{FIVE}.ipynb").symlink_to("/dev/zero")
    expected["t-zero-link"] = (None, "missing")
    (folder / "t-copycat").mkdir()
    (folder / "t-copycat" / f"{FIVE}.ipynb").symlink_to(folder / "t-full" / f"{FIVE}.ipynb")
    expected["t-copycat"] = (None, "missing")
    nb = fill(FIVE)
    nb.cells += [nbformat.v4.new_markdown_cell(f"note {i}", metadata={"nbgrader": {"grade_id": f"made-up-{i}" * 8}})
                 for i in range(500)]
    nb.cells.insert(3, nbformat.v4.new_code_cell("let odd = 1;", metadata={"nbgrader": {"grade_id": ["five_steps-init"]}}))
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("odd", metadata={"nbgrader": "points: 100"}))
    add("t-badmeta", nb, [])
    return expected


# issue 10 item 7: a path dependency whose build script loops forever (made by one cell, used
# by the next: `:dep` must start its cell)
FOREVER_CRATE = r'''
let root = std::path::Path::new("/tmp/forever");
std::fs::create_dir_all(root.join("src")).unwrap();
std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"forever\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n").unwrap();
std::fs::write(root.join("build.rs"), "fn main() { loop { std::hint::black_box(0); } }\n").unwrap();
std::fs::write(root.join("src/lib.rs"), "pub fn f() -> u8 { 1 }\n").unwrap();
'''
FOREVER_DEP = ':dep forever = { path = "/tmp/forever" }\nprintln!("{}", forever::f());'


# ------------------------------------------------------------------ running the grader
def release():
    subprocess.run([sys.executable, "-m", "grading.release"], cwd=ROOT, check=True)


def grade(subs, out, *flags, timeout=3600):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "grading.grade", str(subs), "--out", str(out), *flags],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    return proc, scores(out), time.monotonic() - started


def scores(out):
    rows = {}
    if (out / "scores.csv").exists():
        with open(out / "scores.csv", newline="") as f:
            for r in csv.DictReader(f):
                assert (r["student"], r["notebook"]) not in rows, f"duplicate row {r}"
                rows[r["student"], r["notebook"]] = r
    return rows


def result(out, student, notebook=FIVE):
    return json.loads((out / "results" / student / f"{notebook}.json").read_text())


def failing(res):
    return {c["grade_id"].split("-check-", 1)[1] for c in res["checks"] if not c["passed"]}


def autograded(student, notebook=FIVE):
    """The notebook as nbgrader ran it (with outputs), from the newest grading run."""
    found = RUNS.glob(f"*/{student}/{notebook}/course/autograded/{student}/labs/{notebook}.ipynb")
    return nbformat.read(max(found, key=lambda p: p.stat().st_mtime), as_version=4)


@pytest.fixture(scope="module")
def released():
    t0 = time.monotonic()
    release()
    TIMES["release"] = time.monotonic() - t0


@needs_root
# ------------------------------------------------------------------ the release
def test_nbgrader_config_knows_rust():
    from grading.common import load_config

    config = load_config(ROOT / "build" / "course")
    assert config.ClearSolutions.code_stub == {"rust": "// YOUR CODE HERE\ntodo!()"}
    assert config.SandboxedExecute.timeout >= 60 and config.SandboxedExecute.dep_cell_timeout >= 600


@needs_root
def test_release_has_the_student_versions_beside_the_crate(released):
    rel = ROOT / "build" / "release"
    assert sorted(p.stem for p in (rel / "notebooks").glob("*.ipynb")) == sorted(NOTEBOOKS)
    assert (rel / "crate" / "Cargo.toml").exists() and (rel / "crate" / "src" / "lib.rs").exists()
    assert not (rel / "crate" / "target").exists()
    assert "[workspace]" in (rel / "Cargo.toml").read_text()  # the crate inherits edition/license
    for name in NOTEBOOKS:
        nb = nbformat.read(rel / "notebooks" / f"{name}.ipynb", as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        dep = re.search(r':dep labkit = \{ path = "([^"]+)"', first.source)
        assert dep and (rel / "notebooks" / dep.group(1) / "Cargo.toml").exists(), first.source
        assert nb.metadata.kernelspec.language == "rust"


@needs_root
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_versions_have_stubs_no_solutions_no_hidden_tests_no_outputs(released, name):
    nb = nbformat.read(RELEASED / f"{name}.ipynb", as_version=4)
    source = nbformat.read(SOURCE / f"{name}.ipynb", as_version=4)
    assert any("BEGIN HIDDEN TESTS" in c.source for c in source.cells), f"{name} has no hidden test"
    stubs = 0
    for cell in nb.cells:
        assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
        assert "HIDDEN TESTS" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            stubs += cell.source.count("// YOUR CODE HERE\n")
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            assert meta.get("locked") and meta.get("checksum"), grade_id(cell)
    regions = sum(c.source.count("// BEGIN SOLUTION") for c in source.cells if c.cell_type == "code")
    assert stubs == regions


# ------------------------------------------------------------------ the corpus
CORPUS = corpus()


def folder_of(sub):
    return f"{sub.notebook}.{sub.student}"


def corpus_folder(subs, notebooks=None):
    for sub in CORPUS:
        if notebooks and sub.notebook not in notebooks:
            continue
        base = nbformat.read(RELEASED / f"{sub.notebook}.ipynb", as_version=4)
        source = nbformat.read(SOURCE / f"{sub.notebook}.ipynb", as_version=4)
        nb = source if sub.student == "solution" else build(sub, base, source)
        put(nb, subs / folder_of(sub), sub.notebook)
    return subs


ECHO = ["five_steps"]  # the part of the corpus graded a second time, as load


@pytest.fixture(scope="module")
def load(released, tmp_path_factory):
    """Another grading run at -j 2, in the background while the corpus is graded (issue 10
    item 9: load must not change a grade): first the hostile five_steps set, then the
    five_steps part of the corpus again, into folders of their own."""
    state = {"hostile": prepare_hostile(tmp_path_factory), "echo": {}, "error": None}
    echo_subs = corpus_folder(tmp_path_factory.mktemp("echo-subs"), ECHO)
    echo_out = tmp_path_factory.mktemp("echo-grades")

    def run():
        try:
            state["started"] = time.monotonic()
            run_hostile(state["hostile"])
            state["echo"] = dict(zip(("proc", "rows", "seconds"), grade(echo_subs, echo_out, "-j", "2",
                                                                         "--notebooks", ",".join(ECHO))))
            state["echo"]["out"] = echo_out
        except BaseException as err:  # noqa: BLE001 - reported by the tests that use it
            state["error"] = err
        finally:
            state["ended"] = time.monotonic()

    state["thread"] = threading.Thread(target=run, daemon=True)
    state["thread"].start()
    yield state
    state["thread"].join()


@pytest.fixture(scope="module")
def graded_corpus(released, load, tmp_path_factory):
    """Every corpus submission (tests/corpus/), graded in one run at -j 2 while the `load` run
    grades other submissions at -j 2 (the first grading run also warms
    build/grading/template and records the solutions' values if needed)."""
    subs = corpus_folder(tmp_path_factory.mktemp("corpus-subs"))
    out = tmp_path_factory.mktemp("corpus-grades")
    started = time.monotonic()
    proc, rows, seconds = grade(subs, out, "-j", "2")
    TIMES[f"corpus: {len(CORPUS)} submissions, -j 2, beside another -j 2 run (incl. warming the template if cold)"] = seconds
    load["corpus_interval"] = (started, time.monotonic())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, rows


@needs_root
def test_grading_beside_another_grading_run_gives_the_same_scores(graded_corpus, load):
    """Issue 10 item 9: the five_steps corpus graded again while the corpus run and the
    hostile run share the machine: every score equal to the corpus' stated one."""
    out, rows = graded_corpus
    load["thread"].join()
    assert load["error"] is None, load["error"]
    echo = load["echo"]
    assert echo["proc"].returncode == 0, echo["proc"].stdout[-3000:]
    start, end = load["corpus_interval"]
    overlap = max(0.0, min(end, load["ended"]) - max(start, load["started"]))
    TIMES["load run (hostile set + five_steps corpus again), overlapping the corpus run"] = overlap
    assert overlap > 60, "the two runs did not overlap"
    for sub in CORPUS:
        if sub.notebook in ECHO:
            key = folder_of(sub), sub.notebook
            assert float(echo["rows"][key]["score"]) == sub.score == float(rows[key]["score"]), key
            assert echo["rows"][key]["status"] == sub.status, echo["rows"][key]
    slowest = max((result(echo["out"], folder_of(s), s.notebook).get("slowest_cell", {}).get("seconds", 0), folder_of(s))
                  for s in CORPUS if s.notebook in ECHO and s.student == "solution")
    TIMES[f"slowest solution cell under load (limit {CELL_TIMEOUT} s, {DEP_TIMEOUT} s for `:dep`): {slowest[1]}"] = slowest[0]


def test_the_corpus_covers_every_notebook_as_the_issue_asks():
    for name in NOTEBOOKS:
        mine = [s for s in CORPUS if s.notebook == name]
        kinds = [s.student.split("-")[0] for s in mine]
        assert {"solution", "untouched"} <= set(kinds), name
        assert kinds.count("alt") >= 2 and kinds.count("mistake") >= 3 and kinds.count("attack") >= 1, (name, kinds)


@needs_root
@pytest.mark.parametrize("sub", CORPUS, ids=folder_of)
def test_corpus_submission_gets_exactly_its_score(graded_corpus, sub):
    out, rows = graded_corpus
    row = rows[folder_of(sub), sub.notebook]
    res = result(out, folder_of(sub), sub.notebook)
    reasons = [(c["grade_id"], c["reason"]) for c in res["checks"] if not c["passed"]]
    assert row["status"] == sub.status, (row, res["notes"])
    assert failing(res) == set(sub.failing), reasons
    assert float(row["score"]) == sub.score, (row, reasons)


@needs_root
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_solution_notebooks_get_full_marks(graded_corpus, name):
    out, rows = graded_corpus
    row = rows[f"{name}.solution", name]
    res = result(out, f"{name}.solution", name)
    assert row["status"] == "ok", row
    assert float(row["score"]) == float(row["max_score"]) > 0, [c for c in res["checks"] if not c["passed"]]


@needs_root
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_untouched_student_versions_get_zero_on_every_check(graded_corpus, name):
    out, rows = graded_corpus
    row = rows[f"{name}.untouched", name]
    res = result(out, f"{name}.untouched", name)
    assert row["status"] == "ok" and float(row["score"]) == 0 and float(row["max_score"]) > 0, row
    assert res["checks"] and all(not c["passed"] and c["score"] == 0 for c in res["checks"])


@needs_root
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_student_versions_fail_only_through_their_todos(graded_corpus, name):
    """Untouched, a student version may fail only where a `todo!("name")` panics (one line
    naming the task, no backtrace) and where a
    later cell uses what such a cell did not define: no other compile error."""
    out, _ = graded_corpus
    code = "\n".join(c.source for c in nbformat.read(SOURCE / f"{name}.ipynb", as_version=4).cells
                     if c.cell_type == "code")
    names = set(re.findall(r"\blet\s+(?:mut\s+)?(\w+)", code))
    for pattern in re.findall(r"\blet\s+(?:mut\s+)?\(([^=]*)\)\s*(?::[^=]*)?=", code):
        names |= set(re.findall(r"\w+", pattern))
    functions = set(re.findall(r"\bfn\s+(\w+)\s*[(<]", code))
    allowed = [r"cannot find value `(?P<v>\w+)` in this scope", r"expected value, found module `(?P<v>\w+)`",
               r"cannot find function `(?P<f>\w+)` in this scope", r"unused variable: `\w+`", r"unreachable statement"]
    for err in result(out, f"{name}.untouched", name)["errors"]:
        assert set(err["kinds"]) <= {"Error", "stderr", "CheckFailed"}, err
        if "stderr" in err["kinds"]:  # labkit::plain_panics names the task of a `todo!("name")`
            assert re.search(r"`[\w:]+` is not written yet: fill in the cell marked // YOUR CODE HERE", err["message"]), err
        for line in err["message"].splitlines():
            if not line.startswith("Error: "):
                continue
            m = next((re.search(p, line) for p in allowed if re.search(p, line)), None)
            assert m, f"cell {err['cell']} ({err['grade_id']}): {line}"
            if m.groupdict().get("v"):
                assert m["v"] in names, line
            if m.groupdict().get("f"):
                assert m["f"] in functions, line


@needs_root
def test_a_build_script_of_a_student_dependency_runs_inside_the_sandbox(graded_corpus):
    nb = autograded("five_steps.attack-build-script")
    cell = next(c for c in nb.cells if ":dep evil" in c.source)
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert "NotFound" in text and "Ok(" not in text, text[:2000]


@needs_root
def test_feedback_pages_are_written_without_the_reported_values(graded_corpus):
    out, rows = graded_corpus
    for (student, name), row in rows.items():
        if row["status"] == "missing":
            continue
        html = (out / "feedback" / student / f"{name}.html").read_text()
        assert "Score" in html and name in html
        if ".attack-" not in student:  # (the attacks' own source code prints forged records)
            assert "@labkit-record" not in html, "the reported values are for the grader, not the page"
    assert (out / "totals.csv").read_text().count("\n") == 1 + len({folder_of(s) for s in CORPUS})


# ------------------------------------------------------------------ hostile and partial
def prepare_hostile(tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile-subs")
    canary = tmp_path_factory.mktemp("canary") / "canary.txt"
    canary.write_text("still here")
    project_file = ROOT / "Cargo.toml"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    expected = hostile_submissions(subs, port, [canary, project_file, subs / "t-full" / f"{FIVE}.ipynb"])
    return {"out": tmp_path_factory.mktemp("hostile-grades"), "expected": expected, "connections": [],
            "canary": canary, "project_file": (project_file, project_file.read_bytes()), "subs": subs,
            "listener": listener}


def run_hostile(h):
    stop = threading.Event()
    listener = h["listener"]

    def accept():
        while not stop.is_set():
            try:
                h["connections"].append(listener.accept()[1])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        h["proc"], h["rows"], seconds = grade(h["subs"], h["out"], "-j", "2", "--notebooks", FIVE,
                                              "--cell-timeout", "20", "--memory-mb", "2048")
    finally:
        stop.set()
        thread.join()
        listener.close()
    TIMES[f"{len(h['expected'])} partial/hostile five_steps submissions, -j 2, beside the corpus run"] = seconds


@pytest.fixture(scope="module")
def hostile(load):
    h = load["hostile"]
    while "rows" not in h and load["thread"].is_alive():
        time.sleep(1)
    assert load["error"] is None or "rows" in h, load["error"]
    assert h["proc"].returncode == 0, h["proc"].stdout[-3000:] + h["proc"].stderr[-3000:]
    return h


HOSTILE = ["t-full", "t-panic", "t-loop", "t-memory", "t-escape", "t-killer", "t-tamper", "t-cheat",
           "t-garbage", "t-nobody", "t-forever", "t-flood", "-x", "t-zero-link", "t-copycat", "t-badmeta"]


@needs_root
@pytest.mark.parametrize("student", HOSTILE)
def test_partial_and_hostile_submissions_get_exactly_their_score(hostile, student):
    failing_checks, status = hostile["expected"][student]
    row = hostile["rows"][student, FIVE]
    res = result(hostile["out"], student)
    assert row["status"] == status, (row, res["notes"])
    assert float(row["max_score"]) == 9, row
    if failing_checks is None:
        assert float(row["score"]) == 0
        return
    assert failing(res) == failing_checks, [(c["grade_id"], c["reason"]) for c in res["checks"]]
    lost = sum(c["points"] for c in res["checks"] if not c["passed"])
    assert float(row["score"]) == 9 - lost


@needs_root
def test_the_kernel_runs_as_another_user_without_files_or_network(hostile):
    assert not hostile["connections"], "a connection reached the host"
    assert hostile["canary"].read_text() == "still here"
    path, before = hostile["project_file"]
    assert path.read_bytes() == before
    assert (hostile["subs"] / "t-full" / f"{FIVE}.ipynb").exists()
    text = "".join(o.get("text", "") for o in cell_of(autograded("t-escape"), "five_steps-init").outputs)
    assert re.search(r"Uid:\s+61000", text), text[:2000]
    assert "Ok(" not in "\n".join(l for l in text.splitlines() if l.startswith(("remove", "read", "connect")))
    assert "connect 1.1.1.1:443: Err(NetworkUnreachable)" in text
    assert "connect 127.0.0.1" in text and "Err(ConnectionRefused)" in text


@needs_root
def test_flooded_output_is_capped_and_student_html_is_sanitized(hostile):
    nb = autograded("t-escape")
    size = sum(len(json.dumps(o)) for o in cell_of(nb, "five_steps-init").outputs)
    assert size < 1_200_000
    html = (hostile["out"] / "feedback" / "t-escape" / f"{FIVE}.html").read_text()
    assert "<script>alert('owned')" not in html


@needs_root
def test_a_compile_that_never_ends_is_stopped_at_the_cell_limit(hostile):
    """Item 7: the build script is killed at the cell's limit (20 s here), not at the
    notebook's: the notebook goes on, the points before it are kept (see HOSTILE)."""
    res = result(hostile["out"], "t-forever")
    assert res["slowest_cell"]["seconds"] < 20 + 35, res["slowest_cell"]
    assert res["seconds"] < 300, res["seconds"]
    assert not worker_processes("build/forever-"), "the build script still runs"


@needs_root
def test_an_output_flood_is_capped_as_it_arrives(hostile):
    """Item 1: `loop { println!; eprintln! }` until the cell limit: the cell keeps a bounded
    number of outputs and bytes, and the grader's own process stays small."""
    nb = autograded("t-flood")
    cell = next(c for c in nb.cells if 'println!("x")' in c.source)
    assert len(cell.outputs) <= 510 and sum(len(json.dumps(o)) for o in cell.outputs) < 1_200_000
    res = result(hostile["out"], "t-flood")
    assert res["grader_peak_memory_mb"] is not None and res["grader_peak_memory_mb"] < 800, res["grader_peak_memory_mb"]


@needs_root
def test_links_are_not_followed_and_odd_metadata_is_the_students_problem(hostile):
    """Item 4: links to /dev/zero and to a classmate's notebook grade as missing; nothing of
    the classmate's notebook is shown. Item 3 and 2: 500 made-up grade ids and a list as a
    grade_id give a score (full marks here) and a bounded row."""
    for student in ("t-zero-link", "t-copycat"):
        res = result(hostile["out"], student)
        assert "symbolic link" in " ".join(res["notes"]), res["notes"]
        assert not (hostile["out"] / "feedback" / student).exists()
    row = hostile["rows"]["t-badmeta", FIVE]
    assert "500 cells" in row["notes"] and len(row["notes"]) <= 2000, row["notes"][:300]


@needs_root
def test_tampering_is_repaired_and_reported(hostile):
    res = result(hostile["out"], "t-tamper")
    notes = " ".join(res["notes"])
    assert "five_steps-check-train' was deleted" in notes
    assert "five_steps-check-update' was edited" in notes
    assert "five_steps-check-bonus" in notes
    by_id = {c["grade_id"]: c for c in res["checks"]}
    assert "DeletedCheck" in by_id["five_steps-check-train"]["reason"]
    assert by_id["five_steps-check-loss"]["points"] == 2 and by_id["five_steps-check-loss"]["passed"]
    assert "five_steps-check-bonus" not in by_id


@needs_root
def test_silenced_panics_and_shadowed_asserts_earn_nothing(hostile):
    by_id = {c["grade_id"]: c for c in result(hostile["out"], "t-cheat")["checks"]}
    assert "CheckFailed" in by_id["five_steps-check-update"]["reason"]
    assert "not the solution's value" in by_id["five_steps-check-update"]["reason"]
    assert "was not reported" in by_id["five_steps-check-train"]["reason"]


@needs_root
def test_a_loop_is_stopped_by_the_cell_time_limit(hostile):
    assert float(hostile["rows"]["t-loop", FIVE]["seconds"]) < 20 + 90


@needs_root
def test_notebook_time_limit(released, tmp_path):
    """init is right, then predict sleeps: the notebook's limit stops it; later cells are not run."""
    put(fill(FIVE, {"predict": "std::thread::sleep(std::time::Duration::from_secs(3600));\ntodo!()"}),
        tmp_path / "subs" / "t-sleepy")
    proc, rows, seconds = grade(tmp_path / "subs", tmp_path / "out", "--notebooks", FIVE,
                                "--cell-timeout", "300", "--notebook-timeout", "50")
    TIMES["notebook time limit (50 s)"] = seconds
    row = rows["t-sleepy", FIVE]
    res = result(tmp_path / "out", "t-sleepy")
    assert row["status"] == "time limit" and row["score"] == "1", row
    assert failing(res) == {"predict", "loss", "gradients", "update", "train"}
    assert any("NotRun" in c["reason"] for c in res["checks"])
    assert seconds < 50 + 120


# ------------------------------------------------------------------ restarting
def worker_processes(marker):
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if marker in (p / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(p.name))
            except OSError:
                pass
    return found


@needs_root
def test_an_interrupted_run_resumes_without_regrading(released, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    put(fill(FIVE), subs / "t-restart-a")
    put(fill(FIVE, {"mse": "error.mapv(|e| e * e).sum()"}), subs / "t-restart-b")
    t0 = time.monotonic()
    driver = subprocess.Popen([sys.executable, "-m", "grading.grade", str(subs), "--out", str(out), "-j", "1",
                               "--notebooks", FIVE], cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not scores(out) and time.monotonic() - t0 < 1200 and driver.poll() is None:
        time.sleep(1)
    first = scores(out)
    os.killpg(driver.pid, signal.SIGKILL)  # as hard as an interruption gets
    driver.wait()
    assert len(first) == 1, first
    (done,) = first
    time.sleep(5)
    assert not worker_processes(str(subs)), "the killed run left workers behind"
    result_file = out / "results" / done[0] / f"{FIVE}.json"
    mtime = result_file.stat().st_mtime

    proc, rows, _ = grade(subs, out, "-j", "1", "--notebooks", FIVE)
    TIMES["restart test (two five_steps submissions, one interrupted)"] = time.monotonic() - t0
    assert "1 already graded, 1 to grade" in proc.stdout
    assert set(rows) == {("t-restart-a", FIVE), ("t-restart-b", FIVE)}
    assert rows[done] == first[done], "the finished pair was graded again"
    assert result_file.stat().st_mtime == mtime
    assert rows["t-restart-a", FIVE]["score"] == "9" and rows["t-restart-b", FIVE]["score"] == "4"



@needs_root
def test_regrade_replaces_rows_one_by_one_and_keeps_other_notebooks(released, tmp_path):
    """Item 5: `--regrade --notebooks five_steps` leaves lab04's rows alone and replaces
    five_steps' row only when its new result exists (here: the notebook is gone, "missing")."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "amy").mkdir(parents=True)
    out.mkdir()
    with open(out / "scores.csv", "w", newline="") as f:
        w = csv.DictWriter(f, ["student", "notebook", "score", "max_score", "status", "manual_max", "seconds", "notes"])
        w.writeheader()
        for name, score in ((FIVE, "9"), ("lab04", "3")):
            w.writerow({"student": "amy", "notebook": name, "score": score, "max_score": "9", "status": "ok",
                        "manual_max": "0", "seconds": "30", "notes": ""})
    proc, rows, _ = grade(subs, out, "--regrade", "--notebooks", FIVE)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert rows["amy", "lab04"]["score"] == "3" and rows["amy", "lab04"]["status"] == "ok"
    assert rows["amy", FIVE]["status"] == "missing" and rows["amy", FIVE]["score"] == "0"
