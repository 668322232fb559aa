# The two set-up commands (`make run`, `make test`) do everything on a machine with only Python 3.12+.
SHELL := /bin/bash
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CUSTOMERS ?= 300
NAME ?=

.PHONY: run test bench lint fmt lock install migrate demo clean

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || exit 1
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --customers $(DEMO_CUSTOMERS) --seed 1

run: demo
	$(BIN)/python manage.py welcome --host $(HOST) --port $(PORT)
	@# The background worker (django.tasks: report runs) stops with the server.
	$(BIN)/python manage.py db_worker --no-reload & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	@scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: migrate
	$(BIN)/python -m bench $(NAME)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-resolve every pinned dependency into requirements.lock (after editing pyproject.toml).
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install -q ".[dev]"
	var/lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^custodian' > requirements.lock
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var/*.sqlite3
