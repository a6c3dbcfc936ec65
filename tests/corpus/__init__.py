"""Submissions with known grades: for every notebook, the solution, the untouched student
version, other correct solutions written differently, typical mistakes with the exact
score each deserves, and attacks that must earn nothing beyond their correct parts.

A submission is described by what it changes in the student version:
  bodies  {function name: code} fills that function's `// YOUR CODE HERE` stub (or, in the
          solution notebook, replaces its solution region), every one if it has several;
          {"name#k": code} fills only the k-th (from 1) of them and wins over "name"; the
          other stubs get the instructor's code for that very stub, unless `untouched` is
          set, when they stay as released (`todo!("name")`; built from the solution
          notebook: `todo!()`);
  extra   {grade_id: code} appended to that solution cell;
  insert  {grade_id: code} a new code cell of the student's placed before that cell.
`failing` lists the checks (grade_id after "-check-") that must score 0; `score` is the
exact total the grader must give (stated by hand, not computed from `failing`).

tests/test_grading.py grades them all with the real grader (root, sandbox); dry_run.py
(`python -m tests.corpus.dry_run`) predicts the scores without the sandbox, from the solution
notebook.
"""
import copy
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading.release import FN  # the stubs' function names, as the release names them

ROOT = Path(__file__).resolve().parents[2]

STUB = re.compile(r'^(?P<indent>[ \t]*)// YOUR CODE HERE\n[ \t]*todo!\((?:"[\w:]*")?\)', re.M)
REGION = re.compile(r"^(?P<indent>[ \t]*)// BEGIN SOLUTION\n(?P<body>.*?)^[ \t]*// END SOLUTION[^\n]*", re.M | re.S)
TODO = "todo!()"


@dataclass
class Submission:
    notebook: str
    student: str
    score: float
    failing: set = field(default_factory=set)
    bodies: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    insert: dict = field(default_factory=dict)
    untouched: bool = False
    status: str = "ok"
    why: str = ""


def grade_id(cell):
    meta = cell.metadata.get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _fn_before(source, pos):
    names = FN.findall(source[:pos])
    return names[-1] if names else None


def _indent(body, indent):
    lines = body.strip("\n").splitlines()
    base = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return "\n".join(indent + l[base:] if l.strip() else "" for l in lines)


def _numbered(source, pos, counts):
    """("name", "name#k") of the k-th region of the function before `pos` (counts per cell)."""
    fn = _fn_before(source, pos)
    counts[fn] = counts.get(fn, 0) + 1
    return fn, f"{fn}#{counts[fn]}"


def solutions(source_nb):
    """{"name#k": the instructor's code in the k-th solution region of function `name`} from
    the solution notebook, and {"name": the code of its first region}."""
    found = {}
    for cell in source_nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            counts = {}
            for m in REGION.finditer(cell.source):
                fn, key = _numbered(cell.source, m.start(), counts)
                found[key] = m.group("body")
                found.setdefault(fn, m.group("body"))
    return found


def build(sub, base_nb, source_nb):
    """The submission as a notebook. `base_nb` is the released student version (stubs) or the
    solution notebook (regions: the dry run); `source_nb` gives the instructor's code."""
    known = solutions(source_nb)
    nb = copy.deepcopy(base_nb)
    cells = []
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in sub.insert:
            cells.append(nbformat.v4.new_code_cell(sub.insert[gid].strip("\n")))
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):

            def replacer(counts, cell=cell):
                def replace(m):
                    fn, key = _numbered(cell.source, m.start(), counts)
                    if m.re is STUB and sub.untouched and key not in sub.bodies and fn not in sub.bodies:
                        return m.group(0)  # the released stub as it is (`todo!("name")`)
                    body = sub.bodies.get(key, sub.bodies.get(fn, TODO if sub.untouched else known.get(key)))
                    return m.group(0) if body is None else _indent(body, m.group("indent"))
                return replace

            cell.source = STUB.sub(replacer({}), cell.source)
            cell.source = REGION.sub(replacer({}), cell.source)
            if gid in sub.extra:
                cell.source += "\n" + sub.extra[gid].strip("\n") + "\n"
        cells.append(cell)
    nb.cells = cells
    return nb


def corpus(notebooks=None):
    """Every submission of the corpus, for the given notebooks (default: all)."""
    from tools import course

    subs = []
    for name in notebooks or course.NOTEBOOKS:
        module = importlib.import_module(f"tests.corpus.{name}")
        for student, spec in module.SUBMISSIONS.items():
            subs.append(Submission(notebook=name, student=student, **spec))
    return subs
