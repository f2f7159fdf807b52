# The two commands the README promises: `make run` and `make test`.
# Each installs what it needs on a fresh machine (Python env in .venv at the repo root).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Reinstall whenever pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

# pytest-xdist workers: one per core, at most two (`make test PYTEST_WORKERS=1` for one).
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 2 ] && n=2; echo $$n)
# Each test file stays on one worker (its module fixtures are built once; the fuzz suite checks
# its own counts). Tests that assert wall-clock bounds (`timing`) run after, alone on the machine.
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist loadfile

.PHONY: install system-deps frontend frontend-test e2e run run-mongo test test-fast lint fmt bench-api clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian packages the tests use: redis-server (real Celery worker test), chromium (e2e).
system-deps:
	bash scripts/install_system_deps.sh

# The SPA (frontend/): npm packages from its lock file, built into frontend/dist (served at /).
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend: frontend/node_modules/.installed
	cd frontend && npm run build

# Unit tests, and a check that the typed client matches the API's OpenAPI document.
frontend-test: install frontend/node_modules/.installed
	cd frontend && npm run lint
	cd frontend && npm run test
	cd frontend && npm run openapi:check

e2e: install system-deps frontend
	cd frontend && npm run e2e

run: install
	if [ -f frontend/package.json ]; then $(MAKE) frontend; fi
	$(PY) -m backend

# The API on MongoDB without Docker: a local SecantusDB server (data in var/secantus, port
# SECANTUS_PORT, default 27018), stopped when the API exits. Production: docker compose (mongo image).
run-mongo: install
	if [ -f frontend/package.json ]; then $(MAKE) frontend; fi
	$(PY) scripts/local_mongo.py

test: lint system-deps
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not timing"
	$(PY) -m pytest -m timing
	if [ -f frontend/package.json ]; then $(MAKE) frontend-test e2e; fi

# The inner loop: the same checks, and every test but the `slow` (real training) and `processes`
# (servers started as processes: the API, gunicorn, redis/Celery, crash tests) ones; no apt
# packages, no SPA, no browser.
test-fast: lint
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not slow and not processes and not timing"
	$(PY) -m pytest -m "timing and not slow and not processes"

# Lint, format and types (mypy settings: [tool.mypy] in pyproject.toml).
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy backend models

fmt: install
	$(PY) -m ruff format .

bench-api: install
	$(PY) scripts/bench_api.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
