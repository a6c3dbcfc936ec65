"""The course in one place: which notebooks it has, in teaching order, and the time and
memory limits for running and grading them. Everything else reads these names."""

# notebooks/<name>.ipynb; tests/test_grading.py checks this list against notebooks/
NOTEBOOKS = ["five_steps", "lab04", "learning_rates", "deep_teaching", "gistemp"]

# Limits for a graded notebook (grading/grade.py's defaults, nbgrader_config.py).
# The slowest solution notebook (gistemp, warm) takes about 60 s on 2 cores and its slowest
# cell about 3 s, so these leave a wide margin for a loaded machine.
CELL_TIMEOUT = 120        # seconds per ordinary cell
DEP_TIMEOUT = 900         # seconds for a cell with a `:dep` line (compiles dependencies when cold)
NOTEBOOK_TIMEOUT = 1200   # seconds for a whole notebook
MEMORY_MB = 4096          # memory per grading sandbox, its tmpfs included
PIDS = 512                # processes per grading sandbox
WORKER_MEMORY_MB = 1536   # memory of the grader's own process per notebook (nbgrader, outputs)
