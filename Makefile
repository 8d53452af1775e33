# onestop — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
SIM_DAYS ?= 15
SIM_PER_DAY ?= 12

.PHONY: run test install install-dev migrate demo serve lint fmt bench messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(MANAGE) migrate --no-input

# The demo province: units, agencies, catalog, calendar, users, a few weeks of dossiers.
demo: migrate
	$(MANAGE) load_demo
	$(MANAGE) simulate --if-empty --days $(SIM_DAYS) --per-day $(SIM_PER_DAY)

run: demo
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) demo_logins
	@echo "Serving the demo on http://$(HOST)/ — log in with a demo login above."
	$(MANAGE) runserver $(HOST)

test: install-dev
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(MANAGE) collectstatic --no-input -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

fmt: install-dev
	$(VENV)/bin/ruff check --fix .

bench: install-dev
	$(PY) -m bench.lifecycle
	$(PY) -m bench.metrics --keep
	$(PY) -m bench.lists
	$(PY) -m bench.load --metrics-db

messages: install
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=var --ignore=staticfiles --ignore=test-output --no-obsolete
	$(MANAGE) compilemessages -l en --ignore=.venv

clean:
	rm -rf var staticfiles .pytest_cache
