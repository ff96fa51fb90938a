# make run: a development server on SQLite. make test: the whole suite, browser tests included.
# make serve: production (DEBUG off) under gunicorn. make bench: a 30 s load test on PostgreSQL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format browser install dev clean serve bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production settings: SECRET_KEY and ALLOWED_HOSTS must be set (README, Running in production).
serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn costcalc.wsgi --workers $${WEB_CONCURRENCY:-2} --bind $${BIND:-127.0.0.1:8000} \
		--access-logfile -

# Starts its own gunicorn (2 workers, DEBUG off) on PostgreSQL: DATABASE_URL, or costcalc_bench.
bench: install
	$(BIN)/python bench/load.py

# Browser tests drive Debian's Chromium; Playwright cannot download browsers here.
browser:
	@test -x /usr/bin/chromium || scripts/install-chromium

test: dev browser
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
