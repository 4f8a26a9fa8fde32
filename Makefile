# Quartier: `make run` sets everything up and serves http://127.0.0.1:8000; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
CI ?=
PG_TEST_URL_DEFAULT := postgres://postgres@127.0.0.1:5432/quartier_test
REDIS_TEST_URL_DEFAULT := redis://127.0.0.1:6379/15

.PHONY: run setup install test lint test-sqlite test-postgres messages clean

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

run: setup
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	QUARTIER_DEMO=true $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install
	$(VENV)/bin/pytest

test-postgres: install
	DATABASE_URL=$${QUARTIER_TEST_DATABASE_URL:-$(PG_TEST_URL_DEFAULT)} \
	QUARTIER_CACHE_URL=$${QUARTIER_TEST_CACHE_URL:-$(REDIS_TEST_URL_DEFAULT)} \
	$(VENV)/bin/pytest

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
