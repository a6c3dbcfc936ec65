"""The auto-grader: the student versions and the kit (`python -m grading.release`), grading
in a sandbox (`python -m grading.grade`, which starts `grading.worker` per notebook), its
nbgrader settings and preprocessors (nbgrader_config, nbgrader_rust), the judge of checks'
values, and the student kit's `make check` (check, with the grader's repairs in submission).
"""
