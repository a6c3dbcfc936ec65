# Rust linear-regression labs — the two commands:
#   make run    execute every notebook headless: executed notebooks in build/, the course site in build/site/
#   make test   cargo tests of the crate + notebook tests (what CI runs)
# Both install what they need first, into this folder only (.tools/, .venv/, .evcxr/).
SHELL := /bin/bash
ROOT := $(abspath .)
TOOLS := $(ROOT)/.tools
VENV := $(ROOT)/.venv
EVCXR_VERSION := 0.22.0
EVCXR_STAMP := $(TOOLS)/.evcxr_jupyter-$(EVCXR_VERSION)
VENV_STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-lock.txt pyproject.toml | cksum | cut -d' ' -f1)
KERNEL := $(VENV)/share/jupyter/kernels/rust/kernel.json
SITE_STAMP := $(TOOLS)/site/.installed-$(shell cat tools/site/package-lock.json | cksum | cut -d' ' -f1)
PYTHON ?= python3
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: setup run lab test bench clean help

help:
	@echo "make run    execute all notebooks: build/*.ipynb and the course site build/site/index.html"
	@echo "make test   all tests (cargo + notebooks); what CI runs"
	@echo "make lab    open JupyterLab on notebooks/ with the Rust kernel"
	@echo "make setup  install evcxr_jupyter, the Python venv and the kernel (done by the others)"
	@echo "make bench  benchmarks (crate throughput, cell latency and notebook timings before/after the kernel's settings, grading)"
	@echo "make release                 the student kit (nbgrader student versions, make lab, make check) in build/release/"
	@echo "make grade SUBMISSIONS=<dir> grade <dir>/<student>/<notebook>.ipynb into build/grades/ (root: sandbox)"

setup: $(EVCXR_STAMP) $(VENV_STAMP) $(KERNEL) $(SITE_STAMP)
	$(VENV)/bin/python -m tools.warm_kernel

# evcxr_jupyter >= 0.21 (older ones can lose cell output under nbconvert); ~9 min to build once.
$(EVCXR_STAMP):
	cargo install evcxr_jupyter --version $(EVCXR_VERSION) --locked --root $(TOOLS)
	touch $@

# the pinned packages, then this project's own (tools/, grading/: pyproject.toml) editable,
# so that `python -m tools.run_notebooks` and nbgrader's config import them from here
$(VENV_STAMP): requirements.txt requirements-lock.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r requirements.txt -c requirements-lock.txt
	$(VENV)/bin/pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

$(KERNEL): tools/install_kernel.py $(VENV_STAMP)
	$(VENV)/bin/python -m tools.install_kernel

# MathJax for the course site (build/site/mathjax), pinned by tools/site/package-lock.json;
# npm's cache stays in .tools too.
$(SITE_STAMP): tools/site/package.json tools/site/package-lock.json
	mkdir -p $(TOOLS)/site
	cp tools/site/package.json tools/site/package-lock.json $(TOOLS)/site/
	npm ci --prefix $(TOOLS)/site --cache $(TOOLS)/npm-cache --no-audit --no-fund
	rm -f $(TOOLS)/site/.installed-*
	touch $@

run: setup
	$(VENV)/bin/python -m tools.run_notebooks --out build

# JupyterLab refuses to run as root unless told (containers, CI, shared lab servers run as root)
lab: setup
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

test: setup
	cargo test --workspace --all-features
	$(VENV)/bin/python -m pytest tests -v

bench: setup
	cargo bench -p labkit --bench gd_step
	$(VENV)/bin/python -m tools.bench_cells
	$(VENV)/bin/python -m tools.bench_notebooks
	$(VENV)/bin/python -m tools.bench_grading
	$(VENV)/bin/python -m tools.bench_first_cell

# The student kit (solutions stripped, hidden tests removed; README, `make lab`, `make check`):
# build/release/, see grading/release.py; nbgrader's course and gradebook: build/course.
release: setup
	$(VENV)/bin/python -m grading.release

# Auto-grading in a sandbox (needs root): scores.csv, totals.csv, feedback/ in build/grades.
# Resumes where an interrupted run stopped. GRADE_FLAGS e.g. "-j 1 --regrade".
grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<dir with <student>/<notebook>.ipynb>"; exit 2; }
	test -f build/course/gradebook.db || $(VENV)/bin/python -m grading.release
	$(VENV)/bin/python -m grading.grade "$(SUBMISSIONS)" $(GRADE_FLAGS)

clean:
	rm -rf build
