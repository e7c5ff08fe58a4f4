# jahan: set up a virtual environment and run the main job or the tests.
# Only Python 3.11 and the package registries are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-all bench lint clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The main job: the EAEU customs-union scenario on the built-in world, Kazakhstan in focus,
# with 500 uncertainty draws; prints the summary table and writes the report (lang=kk|ru|en).
lang ?= kk
run: $(STAMP)
	$(VENV)/bin/jahan run eaeu_customs_union --focus KAZ --draws 500 --seed 1 --lang $(lang)

# The default test suite (fast; slow tests and benchmarks are marked and excluded), on every core
# (pytest-xdist; one test file per worker, so module fixtures are built once per worker).
test: $(STAMP)
	$(PY) -m pytest -q -n auto --dist loadfile

test-all: $(STAMP)
	$(PY) -m pytest -q -n auto --dist loadfile -m ""

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

# Static checks CI runs before the tests: lint, formatting, types (configuration in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks tools
	$(VENV)/bin/ruff format --check src tests benchmarks tools
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
