# Two commands: `make run` serves the dashboard, `make test` runs every test (`make test-fast`:
# the unit and page tests alone, while editing).
PYTHON ?= python3
VENV := .venv
CLEAN_VENV := .venv-clean
LOCK_FLAGS := --quiet --universal --python-version 3.11 --generate-hashes --custom-compile-command "make lock"
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast lint format bench demo browser-deps node-deps postgresql-deps clean lock

# Installs come from the lock files: every package pinned, with its hashes (`make lock`).
$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# A second venv from requirements.lock alone, what `make run` installs and nothing a test tool
# brings: tests/clean_venv.py signs in with it and imports everything the product imports
# there. Rebuilt only when the lock changes; uv (a dev requirement) installs it in seconds.
$(CLEAN_VENV)/.installed: requirements.lock requirements.txt | $(VENV)/.installed-dev
	rm -rf $(CLEAN_VENV)
	$(PYTHON) -m venv --without-pip $(CLEAN_VENV)
	$(PY) -m uv pip install --quiet --require-hashes -r requirements.lock --python $(CLEAN_VENV)/bin/python
	touch $@

## Refresh requirements.lock and requirements-dev.lock from requirements*.txt (keeps the pins
## that still fit; `make lock UPGRADE=--upgrade` takes the newest releases).
lock: $(VENV)/.installed-dev
	$(PY) -m uv pip compile $(LOCK_FLAGS) $(UPGRADE) requirements.txt -o requirements.lock
	$(PY) -m uv pip compile $(LOCK_FLAGS) $(UPGRADE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

## Serve the dashboard (builds the demo database on first start). Port: STREAMLIT_SERVER_PORT, default 8501.
## Chromium draws the board pack's charts, so it is installed too where the machine allows.
run: $(VENV)/.installed browser-deps
	$(PY) -m outcomes init --if-empty --demo
	$(PY) -m streamlit run dashboard.py

# The tests run in three processes at once on the two cores (pytest-xdist): a browser test waits
# on its server and Chromium part of the time, and a third process fills those waits (a full run
# 595 s with two, 543 s with three, 2026-12-08). A test file's tests all run in one of them, so
# its server or database is made once. Files are handed out longest first, in the order
# tests/scheduling.py sorts them (not xdist's most-tests-first), so no worker is left alone
# with a long file at the end. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= 3
PYTEST_PARALLEL = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder)

## Everything the tests need, then lint, format check and every test (browser tests included),
## then the time it all took.
test: $(VENV)/.installed-dev $(CLEAN_VENV)/.installed browser-deps node-deps postgresql-deps
	@start=$$(date +%s); \
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) -m pytest $(PYTEST_PARALLEL); \
	status=$$?; echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

## The edit-run loop: unit and page tests and the doctests; no browser, no real data. Hypothesis
## runs its "fast" profile here (tests/conftest.py): a tenth of the examples, the suites that
## name their own count too; `make test` runs the full counts. Both share the example database,
## so a failure either one found is tried first.
test-fast: $(VENV)/.installed-dev
	@start=$$(date +%s); \
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not browser and not realdata and not bench" \
		--hypothesis-profile=fast tests/unit tests/pages outcomes loaders ui; \
	status=$$?; echo "make test-fast: $$(( $$(date +%s) - start )) s"; exit $$status

## Debian's Chromium for the browser tests, where this machine lets us install it.
browser-deps:
	@bash scripts/install-chromium.sh

## Debian's PostgreSQL server programs, with which the tests start a throwaway cluster.
postgresql-deps:
	@bash scripts/install-postgresql.sh

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
	rm -rf $(VENV) $(CLEAN_VENV) .pytest_cache .ruff_cache test-artifacts
