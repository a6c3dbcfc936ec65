"""Paths and settings shared by release.py, worker.py, grade.py and the modules grade.py
uses (environment.py, slots.py, reference.py, scores.py), and log, the grader's progress line."""
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from tools.course import (  # noqa: F401 (re-exported: the one list of notebooks and limits)
    CELL_TIMEOUT, DEP_TIMEOUT, MEMORY_MB, NOTEBOOK_TIMEOUT, NOTEBOOKS, PIDS, WORKER_MEMORY_MB,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build"
COURSE = BUILD / "course"          # nbgrader course: source/, release/, gradebook.db
RELEASE = BUILD / "release"        # what students get: notebooks/, crate/, Cargo.toml
STATE = BUILD / "grading"          # vendored crates, warm build template, per-run scratch
ASSIGNMENT = "labs"
REFERENCE = STATE / "reference"    # the solution's reported values, per notebook
SANDBOX_UID = 61000                # unprivileged uid the student's code runs as (no passwd entry needed)


def log(msg):
    """A line of the grader's progress on stdout, flushed at once (grading runs for hours)."""
    print(msg, flush=True)


# ---------------------------------------------------------------------------- cgroups
# Every notebook is graded with a memory and a process limit of its own: a cgroup per slot,
# made by grading/sandbox/kernel.sh (the kernel) and slots.py (the worker). cgroup v1
# (memory and pids hierarchies) and v2 (memory and pids in the unified hierarchy's
# subtree_control) are both used; without either, grading refuses to start.
CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_mode(root=CGROUP_ROOT):
    """"v1", "v2", or None when this process cannot create memory+pids cgroups."""
    import os

    if all(os.access(root / ctl, os.W_OK) and (root / ctl / "tasks").exists() for ctl in ("memory", "pids")):
        return "v1"
    try:
        enabled = (root / "cgroup.subtree_control").read_text().split()
    except OSError:
        return None
    if {"memory", "pids"} <= set(enabled) and os.access(root, os.W_OK):
        return "v2"
    return None


def cgroup_dirs(name, root=CGROUP_ROOT):
    """The folders of the cgroup `name` (e.g. "slot-3"), in whichever version is used."""
    v1 = [root / ctl / "labkit-grading" / name for ctl in ("memory", "pids", "cpu")]
    return v1 + [memory_cgroup(name, "v2", root)]


def memory_cgroup(name, mode, root=CGROUP_ROOT):
    """The folder of the cgroup `name` that has its memory limit and statistics."""
    return root / "memory" / "labkit-grading" / name if mode == "v1" else root / f"labkit-grading-{name}"


def write_atomic(path, data, durable=False):
    """Writes `data` (str or bytes) to `path` through a temporary file renamed over it, so a
    reader (or a kill) sees the old file or the new one, never half of it. `durable`: fsync
    the file and its folder too."""
    import os

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    tmp.replace(path)
    if durable:
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
