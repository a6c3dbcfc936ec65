"""nbgrader 0.9.6 settings for the Rust (evcxr) notebooks of this course.

Used by grading/release.py (`make release`) and grading/worker.py (`make grade`). nbgrader's
CLI reads nbgrader_config.py from the current folder only (not `--config`): run it in
build/course, whose nbgrader_config.py (written by release.py) loads this file. Only
grade.py/worker.py run student code in the sandbox; the CLI would use the plain kernel.
It imports the `grading` package (.venv has it installed editable: `make setup`).
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades,
)

from grading.nbgrader_rust import (
    JudgeChecks, NoPartialCredit, SandboxedExecute, TidyOutputs, WrapCheckCells,
)
from tools import course  # the notebook list and the limits

c = get_config()  # noqa: F821 (provided by traitlets when this file is loaded)

c.CourseDirectory.course_id = "labkit"

# --- student versions -------------------------------------------------------------------
# The notebooks' kernelspec says "language": "rust"; nbgrader picks the stub by that name.
# Solution regions sit inside function bodies, so `todo!()` keeps every cell compiling and
# panics (= 0 points) only when the student's function is called.
c.ClearSolutions.code_stub = {"rust": "// YOUR CODE HERE\ntodo!()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# `// BEGIN SOLUTION`, `// BEGIN HIDDEN TESTS`: nbgrader matches the words anywhere in the
# line, so the Rust comment marker needs no extra setting (defaults kept explicit here).
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
# no header/footer notebooks, no nbgrader "exchange" (we hand out build/release/ directly)
c.GenerateAssignment.create_assignment = True

# --- execution --------------------------------------------------------------------------
# The kernel is the sandboxed Rust kernel that grading/worker.py registers as "rust" for
# the run (JUPYTER_PATH); outside the worker the project's ordinary "rust" kernel is used.
# evcxr compiles every cell: ~1 s once warm, but the first cell (`:dep labkit`) compiles
# the dependencies when the build directory is cold (minutes; polars ~5 min on 2 cores).
c.SandboxedExecute.timeout = course.CELL_TIMEOUT              # seconds per ordinary cell
c.SandboxedExecute.dep_cell_timeout = course.DEP_TIMEOUT      # seconds for a cell with a `:dep` line
c.SandboxedExecute.notebook_timeout = course.NOTEBOOK_TIMEOUT  # seconds for the whole notebook
c.SandboxedExecute.startup_timeout = 120
c.SandboxedExecute.interrupt_on_timeout = True  # evcxr interrupts by killing its runtime process
c.SandboxedExecute.max_output_bytes = 1_000_000  # per cell; more is dropped while it streams
c.LimitOutput.max_lines = 1000

# Autograding pipeline: nbgrader's own, with
#   WrapCheckCells   before execution: a check cell's asserts are made unshadowable
#                    (`::std::assert!`), so they stay honest feedback;
#   SandboxedExecute per-cell/per-notebook limits, output cap, survives a dead kernel;
#   JudgeChecks      a check cell passes only if the values it reported (its hidden part
#                    calls the student's functions on inputs the release does not show)
#                    match the solution's within tolerances.toml, judged here, outside the
#                    sandbox (judge.py); nothing the student's code prints decides it;
#   NoPartialCredit  nbgrader reads a number shown as a check cell's value as partial
#                    credit; our check cells never use that, so values become plain displays;
#   TidyOutputs      merges evcxr's line-by-line stderr, drops panic backtraces (feedback).
c.Autograde.autograde_preprocessors = [
    WrapCheckCells,
    SandboxedExecute,
    JudgeChecks,
    NoPartialCredit,
    TidyOutputs,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Deleted check cells: grading/worker.py puts every locked cell back before nbgrader sees
# the notebook and gives a deleted check cell 0; nbgrader's own add_missing_cells would
# prefix the restored source with a Python comment ("# This cell ..."), a Rust syntax error.
c.OverwriteCells.add_missing_cells = False

# feedback: student outputs (HTML, SVG) are untrusted; sanitize them in the HTML pages
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
