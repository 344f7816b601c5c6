# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test

.PHONY: demo test lint bench notebooks notebooks-execute site clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The test extra pins torch==2.13.0 (a CPU build); see README.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/backprop verify

test: $(STAMP)
	$(BIN)/python -m pytest

# The code-quality gates: ruff (incl. docstrings D1, complexity C901) and mypy --strict on
# autograd_core and nn (both configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

$(VENV)/.installed-notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,notebooks]'
	touch $@

# Jupyter refuses to run as root (containers, CI boxes) unless told: tell it only there.
notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root)

# Re-run every notebook from notebooks/src/ and save it with fresh outputs (see notebooks/build.py).
notebooks-execute: $(STAMP)
	$(BIN)/python notebooks/build.py

# The library in the browser: a static folder (needs npm; see README, "In the browser").
site: $(STAMP)
	$(BIN)/backprop site -o site

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .mypy_cache site
