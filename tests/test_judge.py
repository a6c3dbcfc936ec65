"""The grader's judge (grading/judge.py), its tolerances, the one list of notebooks, and the
corpus builder: fast tests that need neither root nor a kernel."""
import json
import re
from pathlib import Path

import nbformat
import pytest

from grading import judge
from tests.corpus import Submission, build, corpus
from tools import course

ROOT = Path(__file__).resolve().parent.parent

REPORT = re.compile(r'labkit::report\(\s*"([^"]+)"')


def rec(name, values, shape=None):
    shape = [len(values)] if shape is None else shape
    return judge.PREFIX + json.dumps({"name": name, "shape": shape, "values": values})


TOL = {"default": (1e-9, 1e-12), "nb": {"loose": (1e-3, 0.0)}}
REF = {"a": {"shape": [2], "values": [0.3745401188473625, 0.9507143064099162]},
       "loose": {"shape": [], "values": [2.0]}}


def judged(*lines):
    return judge.judge(*judge.parse("\n".join(lines) + "\n"), REF, "nb", TOL)


def test_values_within_tolerance_pass_and_rounding_differences_are_fair():
    passed, reasons = judged(rec("a", [0.3745401188473625 * (1 + 3e-16), 0.9507143064099162]),
                             rec("loose", [2.001], []))
    assert passed, reasons


def test_a_value_outside_its_tolerance_fails_and_says_which():
    passed, reasons = judged(rec("a", [0.3745401188473625, 0.95072]), rec("loose", [2.0], []))
    assert not passed and len(reasons) == 1 and "`a`" in reasons[0] and "1e-09" in reasons[0]
    passed, reasons = judged(rec("a", [0.3745401188473625, 0.9507143064099162]), rec("loose", [2.01], []))
    assert not passed and "`loose`" in reasons[0]


def test_missing_duplicated_malformed_or_unknown_records_fail():
    good_a = rec("a", [0.3745401188473625, 0.9507143064099162])
    good_loose = rec("loose", [2.0], [])
    assert not judged(good_a)[0]                                     # missing
    assert not judged(good_a, good_a, good_loose)[0]                  # duplicated, even if right
    assert not judged(good_a, good_loose, judge.PREFIX + "{not json")[0]
    assert not judged(good_a, good_loose, rec("extra", [1.0]))[0]     # not a value of this check
    assert not judged(good_a, good_loose, rec("x", [1.0, 2.0], [3]))[0]  # shape and values disagree
    assert not judged(rec("a", [0.3745401188473625, 0.9507143064099162], [2, 1]), good_loose)[0]
    assert not judged(good_a, "text " + good_loose)[0]                # not at the start of a line


def test_a_check_without_reference_values_passes_nobody():
    assert judge.judge({}, [], {}, "nb", TOL) == (False, [judge.judge({}, [], {}, "nb", TOL)[1][0]])
    assert not judge.judge(*judge.parse(rec("a", [1.0]) + "\n"), {}, "nb", TOL)[0]


def test_nan_matches_only_nan_and_infinities_only_themselves():
    assert judge.close(float("nan"), float("nan"), 1e-9, 0) and not judge.close(1.0, float("nan"), 1e-9, 0)
    assert judge.close(float("inf"), float("inf"), 1e-9, 0) and not judge.close(1e308, float("inf"), 1e-9, 1)
    assert not judge.close(float("nan"), 1.0, 1e-9, 1e300)


def test_record_lines_are_removed_from_what_students_see():
    assert judge.strip_records("a\n" + rec("a", [1.0]) + "\nb\n") == "a\nb\n"


def test_the_one_list_of_notebooks_is_the_notebooks_folder():
    assert sorted(course.NOTEBOOKS) == sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    from tests import conftest
    assert conftest.NOTEBOOKS is course.NOTEBOOKS
    assert course.CELL_TIMEOUT < course.DEP_TIMEOUT <= course.NOTEBOOK_TIMEOUT


def check_cells(name):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


@pytest.mark.parametrize("name", course.NOTEBOOKS)
def test_every_check_reports_values_from_its_hidden_part_under_unique_names(name):
    names = []
    for cell in check_cells(name):
        hidden = re.search(r"// BEGIN HIDDEN TESTS\n(.*?)// END HIDDEN TESTS", cell.source, re.S)
        gid = cell.metadata["nbgrader"]["grade_id"]
        assert hidden, f"{gid} has no hidden part"
        reported = REPORT.findall(hidden.group(1))
        assert reported, f"{gid} reports no value"
        assert "report(" not in cell.source.replace(hidden.group(1), ""), f"{gid} reports outside its hidden part"
        names += reported
    assert len(names) == len(set(names)), f"record names repeat in {name}"


def test_every_tolerance_override_names_a_reported_value_and_is_looser_than_the_default():
    tolerances = judge.load_tolerances()
    default = tolerances.pop("default")
    for name, overrides in tolerances.items():
        assert name in course.NOTEBOOKS, name
        reported = {n for c in check_cells(name) for n in REPORT.findall(c.source)}
        for record, (rel, abs_) in overrides.items():
            assert record in reported, f"{name}: tolerance for `{record}`, which no check reports"
            assert rel >= default[0] and abs_ >= default[1], record


def test_the_corpus_builder_fills_solution_regions_with_the_given_bodies():
    source = nbformat.read(ROOT / "notebooks" / "five_steps.ipynb", as_version=4)
    nb = build(Submission("five_steps", "x", 0, bodies={"update": "(b, w)"}, insert={"five_steps-check-init": "let z = 1;"}),
               source, source)
    code = "\n".join(c.source for c in nb.cells)
    assert "(b, w)\n}" in code and "BEGIN SOLUTION" not in code and "RandomState::new(seed)" in code
    assert [c.source for c in nb.cells].index("let z = 1;") + 1 == next(
        i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "five_steps-check-init")
    untouched = build(Submission("five_steps", "x", 0, untouched=True), source, source)
    regions = sum(c.source.count("// BEGIN SOLUTION") for c in source.cells)
    assert regions == 6 and "\n".join(c.source for c in untouched.cells).count("todo!()") == regions


def test_every_corpus_entry_has_a_score_within_the_notebook_points():
    for sub in corpus():
        points = {c.metadata["nbgrader"]["grade_id"].split("-check-", 1)[1]: c.metadata["nbgrader"]["points"]
                  for c in check_cells(sub.notebook)}
        assert set(sub.failing) <= set(points), (sub.student, set(sub.failing) - set(points))
        assert 0 <= sub.score <= sum(points.values()), sub.student
