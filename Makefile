# The two set-up commands are `make run` and `make test`; both work on a fresh clone with Python 3.11.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# Compiled translation catalogues (not committed): built from the .po files by the install step.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po locale_overrides/*/LC_MESSAGES/django.po locale_libraries/*/LC_MESSAGES/django.po))

.PHONY: install run test e2e screenshots bench bench-ws lint format migrate seed clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# requirements-dev.txt includes requirements.txt (the runtime, all the Docker image installs).
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

%.mo: %.po
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	msgfmt --check -o $@ $<

install: $(STAMP) $(CATALOGUES)

# Debian's Chromium drives the browser tests; installed when missing, as `make bench` does for wrk.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# Debian's nginx, for `nginx -t` on deploy/nginx/ (.ci/run; make test skips that check without it).
# Installing starts no server where policy-rc.d forbids it (containers); elsewhere the one it started is stopped.
/usr/sbin/nginx:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
	if [ -s /run/nginx.pid ]; then /usr/sbin/nginx -s quit; fi

# `make run` is for development: DEBUG on and the scheduler in-process unless the environment says otherwise.
run seed migrate: export DEBUG ?= true
run: export SCHEDULER_AUTOSTART ?= true
# Links in emails and invites point at the port the site is served on.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Run the site on http://127.0.0.1:$(PORT) with the scheduler in-process (SQLite by default).
run: migrate
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Lint, then the whole unit and integration suite.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

## WebSockets: serving layout, 1,000 held sockets, delivery latency (after `make bench` seeded the data).
bench-ws: install
	$(PY) bench/sockets.py

## Browser journeys and accessibility checks in Debian's Chromium (installed when missing).
e2e: install /usr/bin/chromium
	$(VENV)/bin/pytest -m e2e e2e

## Regenerate docs/screenshots/ (desktop and mobile) of every main page.
screenshots: install /usr/bin/chromium
	SCREENSHOTS=1 $(VENV)/bin/pytest -m e2e e2e/test_accessibility.py e2e/test_ukrainian.py

## Benchmark on PostgreSQL (BENCH_DATABASE_URL); prints a table and writes bench/results/latest.json.
bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -f $(CATALOGUES)
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
