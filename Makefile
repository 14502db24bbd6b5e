# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

# Test services: real PostgreSQL and Redis, 127.0.0.1 by default.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kcc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-fast test-e2e install check-python services-check messages lint lock runtime-check bench smoke clean

check-python:
	@command -v $(PYTHON) >/dev/null || { echo "ERROR: $(PYTHON) not found. Install Python 3.11 or newer."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { echo "ERROR: $$($(PYTHON) --version) is too old: Python 3.11 or newer is required."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "ERROR: the Python venv module is missing (Debian: apt-get install python3-venv)."; exit 1; }

# Development installs requirements/dev.txt: the runtime lock plus the test and tooling
# packages, pinned to the same versions (-c requirements/runtime.txt). The production image
# installs requirements/runtime.txt only (Dockerfile).
$(STAMP): requirements/runtime.txt requirements/dev.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var/celery/queue var/celery/processed var/private
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "KCC draait op http://$${KCC_HOST:-127.0.0.1}:$${KCC_PORT:-8000}/  (Ctrl-C stopt web, worker en beat)"
	@echo
	$(VENV)/bin/honcho start -f Procfile

services-check: install
	@$(PY) bin/check-services.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"

# Browser tests need Debian's Chromium (never `playwright install`) and IMAP tests dovecot.
system-deps:
	@bin/system-deps.sh

test: install system-deps services-check
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install services-check
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m pytest -m "not e2e and not slow" $(PYTEST_ARGS)

test-e2e: install system-deps services-check
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# The .po file is the source of truth: extract new msgids into it, translate them there
# (no "fuzzy" left), then compile. tests/test_translations.py fails on anything untranslated.
MAKEMESSAGES_IGNORES := --ignore=.venv --ignore=var --ignore=static --ignore=tests --ignore=bench --ignore=node_modules --ignore=docs
messages: install
	$(PY) manage.py makemessages -l nl --no-obsolete --no-location $(MAKEMESSAGES_IGNORES)
	$(PY) manage.py compilemessages -l nl --ignore=.venv --ignore=var --ignore=node_modules

# Regenerate both locks from pyproject.toml (add --upgrade-package NAME to move one package).
# The dev lock is constrained by the runtime lock, so the two never disagree on a version.
lock:
	$(VENV)/bin/uv pip compile pyproject.toml -o requirements/runtime.txt --python $(PY) $(LOCK_ARGS)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements/runtime.txt -o requirements/dev.txt --python $(PY) $(LOCK_ARGS)

# The runtime lock alone (a fresh venv, as in the production image) boots check --deploy.
runtime-check: check-python
	PYTHON=$(PYTHON) bash bin/check-runtime-lock.sh

smoke: install
	bash bin/smoke.sh

clean:
	rm -rf var
