"""Paths and settings shared by release.py, grade.py and worker.py."""
from pathlib import Path

import sys

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))
from course import (  # noqa: E402,F401 (re-exported: the one list of notebooks and limits)
    CELL_TIMEOUT, DEP_TIMEOUT, MEMORY_MB, NOTEBOOK_TIMEOUT, NOTEBOOKS,
)
BUILD = ROOT / "build"
COURSE = BUILD / "course"          # nbgrader course: source/, release/, gradebook.db
RELEASE = BUILD / "release"        # what students get: notebooks/, crate/, Cargo.toml
STATE = BUILD / "grading"          # vendored crates, warm build template, per-run scratch
ASSIGNMENT = "labs"
REFERENCE = STATE / "reference"    # the solution's reported values, per notebook
SANDBOX_UID = 61000                # unprivileged uid the student's code runs as (no passwd entry needed)


def unscored(student, notebook, status, notes=(), manual_max=0.0):
    """The result of a notebook that earned nothing because it was not (fully) graded:
    missing, unreadable, stopped, or a grader error. Same keys as worker.py's results."""
    return {"student": student, "notebook": notebook, "score": 0.0, "max_score": None,
            "manual_max": manual_max, "status": status, "notes": list(notes), "checks": [], "errors": []}


def load_config(course_root, **overrides):
    """nbgrader_config.py with CourseDirectory.root set (and optional Class.trait overrides)."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(HERE)).load_config()
    config.CourseDirectory.root = str(course_root)
    extra = Config()
    for key, value in overrides.items():
        cls, trait = key.split(".")
        extra[cls][trait] = value
    config.merge(extra)
    return config


def venv_on_path():
    """nbgrader runs `alembic` (database migrations) by name: put this Python's bin first."""
    import os
    import sys
    bindir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bindir:
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
