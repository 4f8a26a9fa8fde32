# Quartier: `make run` sets everything up and serves http://127.0.0.1:8000 as residents see it; `make dev` serves
# it with Django's debug pages instead; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
CI ?=
PG_TEST_URL_DEFAULT := postgres://postgres@127.0.0.1:5432/quartier_test
# pytest-xdist gives each worker a Redis database of its own, counting up from this one (settings.py): 8-15.
REDIS_TEST_URL_DEFAULT := redis://127.0.0.1:6379/8
# The Redis pass tests what the site does with Redis, not how fast a loaded test machine answers: a second per
# answer instead of production's 100 ms, so that a busy moment does not switch a test to the in-process fallback.
# The outage tests (tests/resilience) set production's timeouts themselves.
REDIS_TEST_TIMEOUT_MS := 1000
# The suite runs in parallel (pytest-xdist): one worker per core by default, at most 8; PYTEST_WORKERS=0 runs it
# in one process. Each worker has its own test database (pytest-django adds _gw0, _gw1, ...). A test file stays
# on one worker (loadfile): the browser tests share a page per file, and a file's module fixtures start servers.
# -rs lists every skip with its reason (the workers' own end-of-run notes do not reach the summary).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --maxprocesses 8 --dist loadfile -rs

# `make run`: debug off (the real 404 and 500 pages in the page's language), static files collected, hashed and
# compressed and served by whitenoise as in production, but over plain http and for this machine only. The secret
# key is a fixed one for this local run only; production sets its own (README, "Running it in production").
RUN_ENV := QUARTIER_DEBUG=false \
	QUARTIER_SECRET_KEY=local-make-run-only-never-use-in-production-6f1d0c9a2b7e4835 \
	QUARTIER_ALLOWED_HOSTS=127.0.0.1,localhost \
	QUARTIER_SECURE=false \
	QUARTIER_DEMO=true
STATIC_DIR := $(or $(QUARTIER_STATIC_ROOT),staticfiles)
STATIC_SOURCES := $(shell find quartier/static -type f 2>/dev/null)

.PHONY: run dev setup install test lint test-sqlite test-postgres messages clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

setup: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_city essen
	$(PY) manage.py load_demo --city essen --scale city

# Collected again only when a static file (or the installed packages, e.g. the admin's) changed.
$(STATIC_DIR)/staticfiles.json: $(STAMP) $(STATIC_SOURCES)
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

run: setup $(STATIC_DIR)/staticfiles.json
	@echo "Serving on http://127.0.0.1:8000 as residents see it (Ctrl+C to stop; 'make dev' for debug pages)"
	$(RUN_ENV) $(PY) -m gunicorn quartier.wsgi --bind 127.0.0.1:8000 --workers 1 --threads 4 \
		--access-logfile - --error-logfile -

dev: setup
	@echo "Serving on http://127.0.0.1:8000 with debug pages, reloading on changes (Ctrl+C to stop)"
	QUARTIER_DEMO=true $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

test-postgres: install
	DATABASE_URL=$${QUARTIER_TEST_DATABASE_URL:-$(PG_TEST_URL_DEFAULT)} \
	QUARTIER_CACHE_URL=$${QUARTIER_TEST_CACHE_URL:-$(REDIS_TEST_URL_DEFAULT)} \
	QUARTIER_CACHE_TIMEOUT_MS=$(REDIS_TEST_TIMEOUT_MS) \
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

test: lint test-sqlite
	@if [ -n "$$QUARTIER_TEST_DATABASE_URL" ] || [ "$(CI)" = "true" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL pass skipped: set QUARTIER_TEST_DATABASE_URL (CI=true always runs it)."; \
	fi

messages: install
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
