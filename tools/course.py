"""The course in one place: which notebooks it has, in teaching order, and the time and
memory limits for running and grading them. Everything else reads these names."""

# notebooks/<name>.ipynb; tests/test_grading.py checks this list against notebooks/
NOTEBOOKS = ["five_steps", "lab04", "learning_rates", "deep_teaching", "gistemp"]

# Limits for a graded notebook (grading/grade.py's defaults, nbgrader_config.py).
# Measured 2026-12-02 in CI, grading at -j 2 beside another -j 2 grading run on 2 cores:
# the slowest solution cell took 10.4 s (12x below CELL_TIMEOUT), the slowest `:dep` cell
# 13.6 s (gistemp; 900 s leaves room for a cold build directory), the slowest solution
# notebook 75 s (deep_teaching; 16x below NOTEBOOK_TIMEOUT).
CELL_TIMEOUT = 120        # seconds per ordinary cell
DEP_TIMEOUT = 900         # seconds for a cell with a `:dep` line (compiles dependencies when cold)
NOTEBOOK_TIMEOUT = 1200   # seconds for a whole notebook
MEMORY_MB = 4096          # memory per grading sandbox, its tmpfs included
PIDS = 512                # processes per grading sandbox
WORKER_MEMORY_MB = 1536   # memory of the grader's own process per notebook (nbgrader, outputs)
