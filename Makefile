# jahan: set up a virtual environment and run the main job or the tests.
# Only Python 3.11 and the package registries are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-all bench lint clean

# Set-up shows what it does: plain progress lines (also in a log or CI, where no terminal is
# attached) and pip's own line per package downloaded and installed; it takes a minute or two once.
$(STAMP): pyproject.toml constraints.txt
	@echo "jahan setup [1/3]: creating the virtual environment $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "jahan setup [2/3]: upgrading pip"
	$(PY) -m pip install --progress-bar off --upgrade pip
	@echo "jahan setup [3/3]: installing jahan and its pinned dependencies (constraints.txt)"
	$(PY) -m pip install --progress-bar off -c constraints.txt -e ".[dev]"
	touch $(STAMP)
	@echo "jahan setup: done"

setup: $(STAMP)

# The main job: what the EAEU did, judged by observed trade. Estimates the union's effect on its
# members' trade from the ITPD-E panel 2000-2016 (three-way PPML), then evaluates it ex post in
# general equilibrium (the observed world of 2016 against the world without the union), next to the
# published average RTA effect (0.557), with 500 draws; prints the summary table for Kazakhstan and
# the other members and writes report.html, results.parquet/.csv, effects.csv and summary.txt
# into reports/eaeu_ex_post (lang=kk|ru|en).
lang ?= kk
run: $(STAMP)
	$(VENV)/bin/jahan evaluate EAEU --focus KAZ --draws 500 --seed 1 --lang $(lang) --out reports/eaeu_ex_post --force

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
