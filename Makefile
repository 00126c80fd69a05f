# ALIMS Back-office. `make run` and `make test` work on a fresh clone with only
# Python 3.11+ and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-api test-services test-docker e2e-tools bench-data bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base: requirements/base.txt requirements/prod.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/prod.txt
	touch $@

$(VENV)/.dev: requirements/dev.txt $(VENV)/.base
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

run: $(VENV)/.base
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@# the scheduler (digests, escalations) runs beside the server and stops with it
	$(BIN)/python manage.py run_scheduled & pid=$$!; \
	  trap 'kill $$pid 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver --nostatic $(HOST):$(PORT)

test: $(VENV)/.dev e2e-tools
	@scripts/ensure-chromium.sh || true
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core for the browser tests' accessibility checks, at the version pinned in
# tests/e2e/package-lock.json. Without npm the axe tests skip with a banner
# (and fail where E2E_REQUIRED=1, as in CI).
e2e-tools:
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error; \
	else \
	  echo "=================================================================="; \
	  echo "  npm is not installed: the axe-core (accessibility) tests will SKIP."; \
	  echo "  Install Node.js and npm, then run: npm ci --prefix tests/e2e"; \
	  echo "=================================================================="; \
	fi

# The API against its OpenAPI schema, by schemathesis, on a running app with the
# demo data, as a manager and as a counsellor (what .ci/run does second).
test-api: $(VENV)/.dev
	scripts/test-api-schema.sh

# The same suite against PostgreSQL and Redis (what .ci/run does second).
test-services: $(VENV)/.dev e2e-tools
	scripts/test-services.sh $(PYTEST_ARGS)

# The Docker image built and run against PostgreSQL and Redis on 127.0.0.1
# (what .ci/run does last; skipped loudly without a Docker engine).
test-docker: $(VENV)/.dev
	scripts/test-docker.sh

bench-data: $(VENV)/.dev
	$(BIN)/python bench/generate.py

bench: $(VENV)/.dev
	$(BIN)/python bench/changelist.py

# Re-pin requirements/*.txt from requirements/*.in.
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet pip-tools
	for f in base prod dev; do \
	  $(BIN)/pip-compile --quiet --strip-extras --no-header --allow-unsafe requirements/$$f.in -o requirements/$$f.txt; \
	  sed -i '/^--extra-index-url/d;/^--find-links/d;/^--index-url/d' requirements/$$f.txt; \
	done

clean:
	rm -rf $(VENV) var staticfiles screenshots .pytest_cache tests/e2e/node_modules
