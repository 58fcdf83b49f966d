# The two commands a newcomer needs:  make run  (the app)  and  make test  (the suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format messages makemessages migrations-check setup install check-deploy

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints-build.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q pip==26.3
	# XStatic-Bootstrap still builds with pkg_resources: pin setuptools for that build only.
	$(PY) -m pip install -q --build-constraint constraints-build.txt -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install  ## compile translations (pure Python: no GNU gettext needed)
	$(VENV)/bin/pybabel -q compile -d locale -D django

makemessages: install  ## refresh the .po files from the code (needs GNU gettext)
	DEBUG=true $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench

setup: install messages
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py demo_data

run: setup  ## web on http://127.0.0.1:8000 + Celery worker + beat; Ctrl-C stops all
	# Ctrl-C ends honcho with 130: that is how the app is meant to stop, not a failure.
	DEBUG=$${DEBUG:-true} $(VENV)/bin/honcho start -f Procfile.dev || [ $$? -eq 130 ]

test: install messages  ## the whole suite (SQLite by default; DATABASE_URL/REDIS_URL for the real ones)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=true $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install  ## models and migrations in step (needs no database: runs on the embedded default)
	env -u DATABASE_URL DEBUG=true $(PY) manage.py makemigrations --check --dry-run

check-deploy: install  ## the production settings pass Django's deployment checks
	DEBUG=false SECRET_KEY=check-deploy-$$RANDOM$$RANDOM$$RANDOM-not-a-real-secret-key-0123456789 ALLOWED_HOSTS=desk.example.com \
		$(PY) manage.py check --deploy --fail-level WARNING
