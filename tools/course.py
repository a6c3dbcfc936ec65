"""The course in one place: which notebooks it has, in teaching order, and the time and
memory limits for running and grading them. Everything else reads these names."""

# notebooks/<name>.ipynb; tests/test_grading.py checks this list against notebooks/
NOTEBOOKS = ["five_steps", "lab04", "learning_rates", "deep_teaching", "gistemp"]

# What the course site's index (tools/site.py) says about each lab.
LABS = {
    "five_steps": dict(
        title="Gradient descent in five steps",
        teaches="initialise, predict, measure the loss, compute gradients, update, repeat: with plain arrays",
        original='"Chapter 2: Visualizing Gradient Descent", an exercise notebook (NumPy)'),
    "lab04": dict(
        title="Lab 04: one slope, two losses, one gradient",
        teaches="residuals, MSE vs MAE and outliers, a slope slider, the numerical and the analytic gradient, descent by hand",
        original='"lab04", single linear regression, a course lab (PyTorch)'),
    "learning_rates": dict(
        title="Linear regression and the learning rate",
        teaches="MAE vs MSE, the gradient derived and vectorised, your own descent loop, then Linear + SGD, 100 vs 1000 epochs, a learning-rate sweep",
        original='"Basics of Supervised Learning - Linear Regression", a blog article (PyTorch)'),
    "deep_teaching": dict(
        title="Simple linear regression, by hand and with building blocks",
        teaches="half-MSE, the cost surface, feature scaling, gradient descent with histories, then Linear, MSELoss and Adam",
        original='deep.TEACHING, "Simple Linear Regression with PyTorch" (Herta, Voigt, Strohmenger; CC BY-SA 4.0 / MIT)'),
    "gistemp": dict(
        title="Global temperature: a line, a bias, a hinge",
        teaches="NASA's temperature record fitted with a Linear layer and backpropagation: slope, bias, MAE, hinge features",
        original="the GISTEMP lab, a course lab (PyTorch); data: NASA GISS GISTEMP v4"),
}

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
