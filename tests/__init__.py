"""The project's tests (pytest); a package so that tests/corpus is `tests.corpus`, importable
by the tests and, from the repository root, by tools/soak_grading.py and
`python -m tests.corpus.dry_run`.
"""
