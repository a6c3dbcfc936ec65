"""Fast tests (no kernel, no root) of what happens to a submission before and around its run:
merging it with the released notebook (grading/submission.py), the rewriting of check cells
before they run and the judging of their outputs after (grading/nbgrader_rust.py), and the
naming of the release's stubs (grading/release.py). Each test builds small notebooks in memory."""
import copy
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from grading import nbgrader_rust, release, submission

PREFIX = "@labkit-record "
# nbformat repairs duplicate cell ids with a warning (new_notebook validates): merge must not need that
pytestmark = pytest.mark.filterwarnings("error::nbformat.warnings.DuplicateCellId")


# ------------------------------------------------------------------ a small release
def nbg(gid, grade=False, solution=False, locked=False, points=None, **extra):
    meta = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    meta.update(extra)
    return {"nbgrader": meta}


SETUP = ":dep labkit = { path = \"../crate\" }\nuse labkit::*;"
STUB = "fn double(x: f64) -> f64 {\n    // YOUR CODE HERE\n    todo!()\n}"
SOLVED = "fn double(x: f64) -> f64 {\n    2.0 * x\n}"
CHECK = 'assert_eq!(double(2.0), 4.0);\nprintln!("check double: ok");'
HIDDEN = ('// BEGIN HIDDEN TESTS\nlabkit::report("double(3)", double(3.0));\n// END HIDDEN TESTS\n' + CHECK)


def release_nb():
    """intro (plain markdown), setup (locked code), task (solution), check (graded, locked),
    question (plain markdown), answer (graded markdown solution), a plain code cell."""
    cells = [
        new_markdown_cell("# Lab", id="intro"),
        new_code_cell(SETUP, id="setup", metadata=nbg("lab-setup", locked=True)),
        new_code_cell(STUB, id="task", metadata=nbg("lab-double", solution=True)),
        new_code_cell(CHECK, id="check", metadata=nbg("lab-check-double", grade=True, locked=True, points=2,
                                                      checksum="0123abcd")),
        new_markdown_cell("**Question.** Why?", id="question"),
        new_markdown_cell("YOUR ANSWER HERE", id="answer", metadata=nbg("lab-answer", grade=True, solution=True, points=1)),
        new_code_cell("println!(\"{}\", double(1.0));", id="plain-code"),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "rust", "display_name": "Rust", "language": "rust"}})
    return nb


def source_nb():
    """The instructor's version: the check with its hidden tests."""
    nb = release_nb()
    nb.cells[3].source = HIDDEN
    return nb


def solved():
    """What a student hands in: the task and the answer written, outputs from a run."""
    nb = release_nb()
    nb.cells[2].source = SOLVED
    nb.cells[5].source = "Because."
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [new_output("stream", name="stdout", text="something\n")]
    return nb


def ids(nb):
    return [submission.grade_id(c) or c.source[:12] for c in nb.cells]


RELEASED_ORDER = ["# Lab", "lab-setup", "lab-double", "lab-check-double", "**Question.*", "lab-answer", "println!(\"{}"]


def merge(sub, with_source=False):
    nb, notes = submission.merge(release_nb(), sub, source_nb() if with_source else None)
    cell_ids = [c.get("id") for c in nb.cells]
    assert len(set(cell_ids)) == len(cell_ids), f"duplicate cell ids: {cell_ids}"
    nbformat.validate(copy.deepcopy(nb))  # (validate would repair duplicate ids in place)
    return nb, notes


def by_gid(nb, gid):
    found = [c for c in nb.cells if submission.grade_id(c) == gid]
    assert len(found) == 1, f"{len(found)} cells with grade_id {gid}"
    return found[0]


# ------------------------------------------------------------------ merging: what passes through
def test_a_correct_submission_passes_through_with_its_answers_and_the_releases_metadata():
    nb, notes = merge(solved())
    assert notes == []
    assert ids(nb) == RELEASED_ORDER
    assert [c.source for c in nb.cells] == [c.source for c in solved().cells]
    assert [c.get("id") for c in nb.cells] == [c.get("id") for c in release_nb().cells]
    assert [c.metadata.get("nbgrader") for c in nb.cells] == [c.metadata.get("nbgrader") for c in release_nb().cells]
    assert not any(c.metadata.get("labkit_grading") for c in nb.cells)


def test_outputs_and_execution_counts_of_the_submission_are_dropped():
    nb, _ = merge(solved())
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 4
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_a_submission_without_outputs_merges_the_same_as_one_with_outputs():
    cleared = solved()
    for cell in cleared.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert merge(cleared) == merge(solved())


def test_the_notebook_metadata_comes_from_the_release():
    sub = solved()
    sub.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, "evil": 1}
    sub.nbformat_minor = 1
    nb, _ = merge(sub)
    assert nb.metadata == release_nb().metadata
    assert nb.nbformat == 4 and nb.nbformat_minor >= 5  # cell ids are valid from 4.5 on


# ------------------------------------------------------------------ merging: repairs
def test_a_deleted_check_cell_is_put_back_and_marked_to_score_zero():
    sub = solved()
    del sub.cells[3]
    nb, notes = merge(sub)
    assert ids(nb) == RELEASED_ORDER
    check = by_gid(nb, "lab-check-double")
    assert check.source == CHECK and check.metadata["labkit_grading"] == {"restored": True}
    assert notes == ["check cell 'lab-check-double' was deleted; restored and scored 0"]


@pytest.mark.parametrize("index, gid", [(1, "lab-setup"), (2, "lab-double"), (5, "lab-answer")])
def test_a_deleted_given_or_solution_cell_is_put_back_from_the_release_without_a_penalty(index, gid):
    sub = solved()
    del sub.cells[index]
    nb, notes = merge(sub)
    assert ids(nb) == RELEASED_ORDER
    cell = by_gid(nb, gid)
    assert cell.source == release_nb().cells[index].source
    assert "labkit_grading" not in cell.metadata
    assert notes == [f"cell '{gid}' was deleted; restored from the release"]


def test_a_deleted_or_edited_plain_cell_is_taken_from_the_release():
    sub = solved()
    del sub.cells[0]
    sub.cells[3].source = "**Question.** Why? (I think I know)"  # the plain question cell, now at index 3
    nb, notes = merge(sub)
    # the release's plain cells all come back, where the release has them
    assert ids(nb)[0] == "# Lab" and by_gid(nb, "lab-setup") is nb.cells[1]
    # the edited copy is kept too, as the student's own cell, right after the graded cell it
    # followed, and then the release's own question cell
    i = ids(nb).index("lab-check-double")
    assert [c.source for c in nb.cells[i + 1:i + 3]] == ["**Question.** Why? (I think I know)", "**Question.** Why?"]
    assert notes == []


def test_an_edited_check_cell_is_handed_on_as_edited_for_nbgrader_to_restore_with_a_note():
    """nbgrader's autograde compares a locked cell with its checksum and restores the original
    (with its hidden tests); merge keeps the edit so that it can, and says so."""
    sub = solved()
    sub.cells[3].source = 'println!("check double: ok");'
    nb, notes = merge(sub)
    check = by_gid(nb, "lab-check-double")
    assert check.source == 'println!("check double: ok");'
    assert check.metadata["nbgrader"]["checksum"] == "0123abcd" and check.metadata["nbgrader"]["locked"]
    assert "labkit_grading" not in check.metadata  # not deleted: it is run (restored by nbgrader) and judged
    assert notes == ["locked cell 'lab-check-double' was edited; the grader uses the released cell"]


def test_a_locked_cell_equal_to_the_instructors_version_is_not_reported_as_edited():
    sub = solved()
    sub.cells[3].source = HIDDEN  # e.g. the grader's own solution handed in as a submission
    assert merge(sub, with_source=True)[1] == []
    assert merge(sub)[1] == ["locked cell 'lab-check-double' was edited; the grader uses the released cell"]


def test_nbgrader_metadata_changed_by_the_student_is_replaced_by_the_releases():
    sub = solved()
    sub.cells[3].metadata["nbgrader"].update(points=100, locked=False, grade=False, solution=True)
    sub.cells[5].metadata["nbgrader"]["points"] = 50
    sub.cells[3].metadata["labkit_grading"] = {"restored": False}
    nb, _ = merge(sub)
    assert by_gid(nb, "lab-check-double").metadata["nbgrader"] == release_nb().cells[3].metadata["nbgrader"]
    assert by_gid(nb, "lab-answer").metadata["nbgrader"]["points"] == 1
    assert "labkit_grading" not in by_gid(nb, "lab-check-double").metadata


def test_reordered_cells_are_put_back_in_the_released_order():
    sub = solved()
    sub.cells = [sub.cells[i] for i in (6, 3, 5, 2, 4, 1, 0)]
    nb, notes = merge(sub)
    assert ids(nb) == RELEASED_ORDER
    assert by_gid(nb, "lab-double").source == SOLVED and by_gid(nb, "lab-answer").source == "Because."
    assert notes == []


def test_the_students_own_cells_stay_after_the_graded_cell_they_followed():
    sub = solved()
    sub.cells.insert(0, new_code_cell("let first = 1;"))
    sub.cells.insert(4, new_code_cell("fn helper() -> f64 { 1.0 }"))  # right after the task
    # at the very end, after the release's plain code cell: only graded cells are anchors, so it
    # lands right after the answer, before that plain cell
    sub.cells.append(new_markdown_cell("my notes"))
    nb, notes = merge(sub)
    got = ids(nb)
    assert got[0] == "let first = "
    assert got[got.index("lab-double") + 1] == "fn helper() "
    assert got[got.index("lab-answer") + 1:] == ["my notes", "println!(\"{}"]
    assert notes == []


def test_a_copied_graded_cell_keeps_the_first_as_the_graded_one_and_the_copy_as_the_students():
    sub = solved()
    copy = nbformat.from_dict(json.loads(json.dumps(sub.cells[3])))
    copy.source = "assert!(true);"
    copy["id"] = "check-copy"
    sub.cells.insert(4, copy)
    nb, notes = merge(sub)
    assert by_gid(nb, "lab-check-double").source == CHECK  # exactly one cell carries the id
    extra = nb.cells[ids(nb).index("lab-check-double") + 1]
    assert extra.source == "assert!(true);" and "nbgrader" not in extra.metadata
    assert notes == ["a copy of cell 'lab-check-double' was treated as the student's own extra cell"]


def test_a_copied_solution_cell_runs_after_the_graded_one():
    sub = solved()
    copy = nbformat.from_dict(json.loads(json.dumps(sub.cells[2])))
    copy.source = "fn double(x: f64) -> f64 {\n    x + x\n}"
    sub.cells.insert(3, copy)
    nb, notes = merge(sub)
    i = ids(nb).index("lab-double")
    assert nb.cells[i].source == SOLVED and nb.cells[i + 1].source == copy.source
    assert "nbgrader" not in nb.cells[i + 1].metadata
    assert len(notes) == 1 and notes[0].startswith("a copy of cell 'lab-double'")


def test_a_check_cell_turned_into_markdown_is_the_students_cell_and_the_check_is_restored():
    sub = solved()
    sub.cells[3] = new_markdown_cell(CHECK, metadata=sub.cells[3].metadata)
    nb, notes = merge(sub)
    check = by_gid(nb, "lab-check-double")
    assert check.cell_type == "code" and check.metadata["labkit_grading"] == {"restored": True}
    assert any(c.cell_type == "markdown" and c.source == CHECK and "nbgrader" not in c.metadata for c in nb.cells)
    assert sorted(notes) == ["a changed-type cell 'lab-check-double' was treated as the student's own extra cell",
                             "check cell 'lab-check-double' was deleted; restored and scored 0"]


def test_made_up_grade_ids_become_plain_cells_and_many_give_one_bounded_note():
    sub = solved()
    sub.cells.insert(3, new_code_cell("let a = 1;", metadata=nbg("made-up", grade=True, points=99)))
    nb, notes = merge(sub)
    assert all(submission.grade_id(c) != "made-up" for c in nb.cells)
    assert notes == ["an unknown cell 'made-up' was treated as the student's own extra cell"]
    sub.cells[3:3] = [new_code_cell("", metadata=nbg(f"fake-{i}", grade=True, points=1)) for i in range(50)]
    nb, notes = merge(sub)
    assert len(notes) == 1 and notes[0].startswith("51 cells with nbgrader ids") and len(notes[0]) < 400


def test_changed_and_duplicated_cell_ids_end_unique_and_valid():
    sub = solved()
    sub.cells[3]["id"] = "my-own-id"                # a changed id: grading goes by grade_id
    sub.cells[2]["id"] = sub.cells[1]["id"]         # a duplicate
    sub.cells.insert(4, new_code_cell("let b = 2;", id="setup"))  # another
    nb, notes = submission.merge(release_nb(), sub)
    cell_ids = [c["id"] for c in nb.cells]
    assert len(set(cell_ids)) == len(cell_ids) and all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", i) for i in cell_ids)
    assert by_gid(nb, "lab-check-double")["id"] == "my-own-id"
    assert ids(nb)[:4] == RELEASED_ORDER[:4] and notes == []


def test_graded_cells_with_the_students_ids_read_from_a_file_merge_like_the_release(tmp_path):
    """read_submission keeps of each cell its type, source, grade_id and a well-formed id only."""
    raw = json.loads(nbformat.writes(solved()))
    raw["cells"][2]["source"] = SOLVED.splitlines(keepends=True)   # source as a list of lines
    raw["cells"][3]["metadata"]["nbgrader"]["points"] = 100
    raw["cells"][3]["metadata"]["labkit_grading"] = {"restored": False}
    raw["cells"][4]["id"] = "not a valid id!"
    raw["cells"].append({"cell_type": "heading", "source": "old"})  # not a cell type of nbformat 4: dropped
    path = tmp_path / "sub.ipynb"
    path.write_text(json.dumps(raw))
    read = submission.read_submission(path)
    assert [c.metadata for c in read.cells][3] == {"nbgrader": {"grade_id": "lab-check-double"}}
    assert all("outputs" not in c or c.outputs == [] for c in read.cells)
    assert read.cells[4].get("id") != "not a valid id!"
    nb, notes = merge(read)
    assert ids(nb) == RELEASED_ORDER and notes == []
    assert by_gid(nb, "lab-double").source == SOLVED
    assert by_gid(nb, "lab-check-double").metadata["nbgrader"]["points"] == 2


# ------------------------------------------------------------------ check cells, before they run
def test_assertion_and_print_macros_in_a_check_become_unshadowable_paths():
    src = ('let v = vec![1];\nassert!(v.len() == 1);\nassert_eq! (double(2.0), 4.0, "msg");\n'
           'assert_ne!{1, 2};\nprintln!["x"];\nprint!("y");\nif false { panic!("no") } else { unreachable!() }\n'
           'debug_assert!(true); debug_assert_eq!(1, 1); debug_assert_ne!(1, 2);')
    got = nbgrader_rust.wrap_check_source(src)
    assert got == ('let v = vec![1];\n::std::assert!(v.len() == 1);\n::std::assert_eq! (double(2.0), 4.0, "msg");\n'
                   '::std::assert_ne!{1, 2};\n::std::println!["x"];\n::std::print!("y");\n'
                   'if false { ::std::panic!("no") } else { ::std::unreachable!() }\n'
                   '::std::debug_assert!(true); ::std::debug_assert_eq!(1, 1); ::std::debug_assert_ne!(1, 2);')


def test_macros_in_comments_strings_and_other_names_are_left_alone():
    src = ('// assert!(false) in a line comment\n/* assert!(1) /* nested */ println!("x") */\n'
           'let s = "assert!(false)";\nlet r = r#"println!("raw")"#;\nlet b = b"panic!(1)";\n'
           "let c = '\"'; let l: &'static str = \"assert!(no)\";\n"
           'my_assert!(x); assert_approx!(x); std::assert!(y); ::std::assert!(z); core::panic!("p");\n'
           'macro_rules! check { () => {} }\nlabkit::report("assert!(name)", 1.0);')
    assert nbgrader_rust.wrap_check_source(src) == src


def test_the_code_mask_blanks_comments_and_literals_and_keeps_positions():
    src = 'let a = "x // y"; // c\nlet b = \'"\'; /* d */ let e = 1;'
    mask = nbgrader_rust.code_only(src)
    assert len(mask) == len(src)
    assert mask == "let a = " + " " * 8 + "; " + " " * 4 + "\nlet b = " + " " * 3 + "; " + " " * 7 + " let e = 1;"


def test_a_check_whose_first_code_line_would_start_with_a_colon_gets_a_harmless_first_line():
    """evcxr reads a first line starting with ':' as a command (`:dep`)."""
    got = nbgrader_rust.wrap_check_source("// a comment first\n\nassert!(true);")
    assert got == "let _ = ();\n// a comment first\n\n::std::assert!(true);"
    assert nbgrader_rust.wrap_check_source("let x = 1;\nassert!(x == 1);") == "let x = 1;\n::std::assert!(x == 1);"


def test_only_check_cells_are_rewritten_and_their_sources_are_kept_to_restore():
    nb = source_nb()
    nb.cells[2].source = SOLVED + "\nassert!(double(1.0) == 2.0);"
    before = [c.source for c in nb.cells]
    nb, resources = nbgrader_rust.WrapCheckCells().preprocess(nb, {})
    assert resources[nbgrader_rust.SOURCE_KEY] == {3: HIDDEN}
    assert [c.source for i, c in enumerate(nb.cells) if i != 3] == [s for i, s in enumerate(before) if i != 3]
    assert nb.cells[3].source == HIDDEN.replace("assert_eq!(", "::std::assert_eq!(").replace("println!(", "::std::println!(")
    assert 'labkit::report("double(3)", double(3.0));' in nb.cells[3].source


# ------------------------------------------------------------------ check cells, after they ran
def ran(stdout, extra=(), restored=False):
    """The source notebook as WrapCheckCells left it, its check having printed `stdout`."""
    nb = source_nb()
    nb, resources = nbgrader_rust.WrapCheckCells().preprocess(nb, {})
    check = nb.cells[3]
    check.outputs = [new_output("stream", name="stdout", text=stdout), *extra]
    if restored:
        check.metadata["labkit_grading"] = {"restored": True}
    return nb, resources


def judged(tmp_path, stdout, reference=4.0, **kw):
    ref = tmp_path / "reference.json"
    ref.write_text(json.dumps({"lab-check-double": {"double(3)": {"shape": [], "values": [reference]}}}))
    nb, resources = ran(stdout, **kw)
    judge = nbgrader_rust.JudgeChecks(reference=str(ref), notebook="lab")
    nb, _ = judge.preprocess(nb, resources)
    return nb.cells[3]


def record(value):
    return f'{PREFIX}{{"name":"double(3)","shape":[],"values":[{value}]}}\n'


def test_a_check_that_reported_the_solutions_values_passes_and_shows_no_record(tmp_path):
    cell = judged(tmp_path, "check double: ok\n" + record(6.0), reference=6.0)
    assert cell.source == HIDDEN  # the check's own source is back (no ::std:: paths in the feedback)
    assert not any(o.output_type == "error" or o.get("name") == "stderr" for o in cell.outputs)
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert PREFIX not in text and "check double: ok" in text and "[graded: the 1 value(s)" in text


def test_a_check_with_a_wrong_value_fails_however_it_looks(tmp_path):
    cell = judged(tmp_path, "check double: ok\n" + record(5.0), reference=6.0)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["CheckFailed"] and "`double(3)` is 5.0" in errors[0].evalue


def test_a_restored_check_scores_zero_even_with_the_right_values(tmp_path):
    cell = judged(tmp_path, record(6.0), reference=6.0, restored=True)
    assert [o.ename for o in cell.outputs if o.output_type == "error"] == ["DeletedCheck"]


def test_a_passing_check_keeps_its_stderr_and_error_only_as_text(tmp_path):
    extra = [new_output("stream", name="stderr", text="warning\n"),
             new_output("error", ename="Panic", evalue="after the values", traceback=[])]
    cell = judged(tmp_path, record(6.0), reference=6.0, extra=extra)
    assert {o.output_type for o in cell.outputs} == {"stream"} and {o.name for o in cell.outputs} == {"stdout"}
    text = "".join(o.text for o in cell.outputs)
    assert "[stderr] warning" in text and "the cell stopped: Panic: after the values" in text


def test_a_reference_run_collects_the_solutions_records(tmp_path):
    nb, resources = ran(record(6.0))
    out = tmp_path / "ref.json"
    nbgrader_rust.JudgeChecks(mode="reference", reference_out=str(out)).preprocess(nb, resources)
    assert json.loads(out.read_text()) == {"lab-check-double": {"double(3)": {"shape": [], "values": [6.0]}}}


def test_a_check_value_shown_as_a_result_is_not_read_as_partial_credit():
    nb = source_nb()
    for i in (3, 6):
        nb.cells[i].outputs = [new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)]
    pre = nbgrader_rust.NoPartialCredit()
    for i, cell in enumerate(nb.cells):
        pre.preprocess_cell(cell, {}, i)
    assert nb.cells[3].outputs[0].output_type == "display_data" and "execution_count" not in nb.cells[3].outputs[0]
    assert nb.cells[6].outputs[0].output_type == "execute_result"  # not a check: left alone


# ------------------------------------------------------------------ the release's stubs
def test_each_stub_in_a_solution_cell_names_its_function_or_method():
    nb = new_notebook(cells=[
        new_code_cell("fn predict(w: f64) -> f64 {\n    todo!()\n}\nfn loss<T>(t: T) {\n    todo!()\n}",
                      metadata=nbg("a", solution=True)),
        new_code_cell("impl Model {\n    fn step(&mut self) {\n        todo!()\n    }\n}\nfn after() { todo!() }",
                      metadata=nbg("b", solution=True)),
        new_code_cell("fn given() { todo!() }", metadata=nbg("c", locked=True)),
    ])
    release.name_stubs(nb)
    assert nb.cells[0].source == 'fn predict(w: f64) -> f64 {\n    todo!("predict")\n}\nfn loss<T>(t: T) {\n    todo!("loss")\n}'
    assert nb.cells[1].source == 'impl Model {\n    fn step(&mut self) {\n        todo!("Model::step")\n    }\n}\nfn after() { todo!("after") }'
    assert nb.cells[2].source == "fn given() { todo!() }"
