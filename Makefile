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

.PHONY: run serve test bench lint fmt lock install migrate demo clean assets gallery

# Development and CI install everything in requirements/dev.lock (hashes checked); a production server
# installs requirements/runtime.lock (see docs/operations.md).
$(STAMP): requirements/dev.lock
	@test -n "$(PYTHON)" || exit 1
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q --require-hashes -r requirements/dev.lock
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --customers $(DEMO_CUSTOMERS) --seed 1

run: demo
	@# A signed head of the access log from the start, so /transparency/ has one to show and check.
	$(BIN)/python manage.py audit sign
	$(BIN)/python manage.py welcome --host $(HOST) --port $(PORT)
	@# The background worker (django.tasks: report runs) stops with the server; the access log's head is
	@# signed when it stops.
	$(BIN)/python manage.py db_worker --no-reload & \
	trap 'kill $$! 2>/dev/null; $(BIN)/python manage.py audit sign' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production configuration locally: DEBUG off, gunicorn (4 workers), worker and scheduler, PostgreSQL
# (scripts/serve says which environment it sets; throwaway secrets and keys under var/serve, dev only).
serve: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) scripts/serve

test: $(STAMP)
	@scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: migrate
	$(BIN)/python -m bench $(NAME)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-resolve the lock files under requirements/ after editing pyproject.toml (scripts/lock says how).
lock: $(STAMP)
	scripts/lock

# Rebuild the stylesheet, fonts and icons under custodian/web/static/custodian/ from the pinned U.S. Web Design
# System (frontend/package-lock.json). Needs Node 20 and npm; running and testing Custodian need neither, the
# built files are committed.
assets:
	frontend/build.sh

# Screenshots of every page at 1280 and 390 px (test-artifacts/gallery/, not committed) from the browser walk
# that checks each with axe-core, and docs/gallery.md that shows them.
gallery: $(STAMP)
	@scripts/ensure-chromium
	$(BIN)/python -m pytest custodian/web/tests/test_every_page_in_a_browser.py -q -p no:cacheprovider
	$(BIN)/python scripts/gallery

clean:
	rm -rf $(VENV) var/*.sqlite3
