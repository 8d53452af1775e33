# onestop — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
# The address printed on receipts (QR link) and in the demo's lookup link: follows HOST unless given,
# e.g. `make run HOST=0.0.0.0:8000 SITE_URL=http://192.168.1.20:8000/` to serve the office's network.
SITE_URL ?= http://$(HOST)/
SITE_HOST = $(shell printf '%s' '$(SITE_URL)' | sed -E 's;^[a-zA-Z]+://;;; s;[:/].*$$;;')
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(SITE_HOST)
# The demo's national portal (portal_sync/simulator.py) on loopback beside the site, serving the store
# the simulation synced to (var/portal-sim.jsonl); every event of the running demo is synced to it.
PORTAL_SIM_PORT ?= 8765
PORTAL_ENV = PORTAL_URL=http://127.0.0.1:$(PORTAL_SIM_PORT) PORTAL_TOKEN=sim-token PORTAL_SECRET=sim-secret
RUN_ENV = SITE_URL='$(SITE_URL)' ALLOWED_HOSTS='$(ALLOWED_HOSTS)' $(PORTAL_ENV)
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

# axe-core for the browser tests' accessibility check (ADR 0033): test-only, reinstalled when the
# lock changes; npm ci empties node_modules first, so the stamp is written after it.
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(MANAGE) migrate --no-input

# The demo province: units, agencies, catalog, calendar, users, a few weeks of dossiers.
demo: migrate
	$(MANAGE) load_demo
	$(MANAGE) signing_demo_ca  # the demo's CA and agency certificates under var/signing (ADR 0024)
	$(MANAGE) simulate --if-empty --days $(SIM_DAYS) --per-day $(SIM_PER_DAY)

run: demo
	$(MANAGE) collectstatic --no-input -v 0
	$(PY) -m portal_sync.simulator --port $(PORTAL_SIM_PORT) --state $${ONESTOP_VAR_DIR:-var}/portal-sim.jsonl > /dev/null & \
	  SIM=$$!; trap "kill $$SIM 2>/dev/null" EXIT INT TERM; sleep 1; \
	  $(RUN_ENV) $(MANAGE) demo_logins && \
	  echo "" && \
	  echo "Serving the demo on $(SITE_URL) — the public front door (lookup, online submission);" && \
	  echo "staff sign in at $(SITE_URL)can-bo/ with a demo login above. The national portal's simulator" && \
	  echo "listens on 127.0.0.1:$(PORTAL_SIM_PORT); the QĐ 766 score: $(SITE_URL)oversight/chi-so-766/." && \
	  $(RUN_ENV) $(MANAGE) runserver $(HOST)

test: install-dev node_modules/.installed
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
	$(PY) -m bench.scoreboard --reuse
	$(PY) -m bench.lists
	$(PY) -m bench.receipt
	$(PY) -m bench.load --metrics-db

messages: install
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=var --ignore=staticfiles --ignore=test-output --ignore=node_modules --no-obsolete
	$(MANAGE) compilemessages -l en --ignore=.venv

clean:
	rm -rf var staticfiles .pytest_cache node_modules
