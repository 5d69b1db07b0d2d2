# Two commands: `make run` serves the dashboard, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench demo browser-deps node-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Serve the dashboard (builds the demo database on first start). Port: STREAMLIT_SERVER_PORT, default 8501.
## Chromium draws the board pack's charts, so it is installed too where the machine allows.
run: $(VENV)/.installed browser-deps
	$(PY) -m outcomes init --if-empty --demo
	$(PY) -m streamlit run dashboard.py

## Everything the tests need, then lint, format check and every test (browser tests included).
test: $(VENV)/.installed-dev browser-deps node-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

## Debian's Chromium for the browser tests, where this machine lets us install it.
browser-deps:
	@bash scripts/install-chromium.sh

## axe-core (package-lock.json) for the accessibility tests, where npm is installed.
node-deps:
	@bash scripts/install-node-deps.sh

## Lint fixes and formatting.
format: $(VENV)/.installed-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Rebuild the demo database from scratch.
demo: $(VENV)/.installed
	$(PY) -m outcomes init --demo --replace

## Page timings on the demo and on a large generated framework.
bench: $(VENV)/.installed-dev
	$(PY) bench/bench_pages.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
