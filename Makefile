# juragan: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
# The PostgreSQL server the second test run uses (each run makes its own database).
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test test-sqlite test-postgres test-clock lint translations extract-messages \
        browser-deps pdf-deps install install-test bench bench-bounded bench-dashboard \
        bench-trust clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Compiled catalogues are build output (.mo files are not committed).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d juragan/translations

# After changing strings: refresh the template and both catalogues, then translate.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
	  --sort-output --project juragan -o juragan/translations/messages.pot .
	$(BIN)/pybabel update -i juragan/translations/messages.pot -d juragan/translations \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m juragan.i18n_tools fill-english juragan/translations/en/LC_MESSAGES/messages.po

run: install translations pdf-deps
	$(BIN)/flask db upgrade
	$(BIN)/flask juragan seed-demo --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Production-style serving with gunicorn (set SECRET_KEY, DATABASE_URL, JURAGAN_ENV).
serve: install translations pdf-deps
	$(BIN)/flask db upgrade
	HOST=$(HOST) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# WeasyPrint draws the PDF proposals with Pango and needs a font.
pdf-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset && fc-list | grep -qi dejavu; } || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig >/dev/null; }

browser-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@# axe-core for the accessibility crawl (package-lock.json pins it).
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --loglevel=error

lint: install-test
	$(BIN)/ruff check juragan tests migrations bench wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check juragan tests migrations bench wsgi.py gunicorn.conf.py

test: install-test translations browser-deps pdf-deps lint test-sqlite test-postgres test-clock

test-sqlite: install-test translations
	@echo "== test suite on SQLite =="
	$(BIN)/python -m pytest

# Runs when PostgreSQL answers; under CI (CI=true) an unreachable server is a failure.
test-postgres: install-test translations
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== test suite on PostgreSQL =="; \
	  TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is not reachable, and CI requires the PostgreSQL run." >&2; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL run skipped."; \
	fi

# The suite again with the clock started at each awkward moment of docs/time.md
# (JURAGAN_TEST_CLOCK, tests/frozen_clock.py), CLOCK_JOBS runs at a time, each logged
# under artefacts/test-clock/: 00:30 WIB on 1 January 2027 (the 1st, a new year),
# 00:30 WIB on 31 March 2027 (the 31st), 23:30 WIB on 30 April 2027 (the end of a
# 30-day month, already 1 May in WITA and WIT) and 00:30 WIB on 29 February 2028.
# SQLite only, and no browser tests: chromium keeps its own clock, which no
# traveller moves. A test's own travels nest inside the run's.
CLOCK_MOMENTS ?= 2026-12-31T17:30:00Z 2027-03-30T17:30:00Z 2027-04-30T16:30:00Z \
                 2028-02-28T17:30:00Z
CLOCK_JOBS ?= 2
test-clock: install-test translations pdf-deps
	@mkdir -p artefacts/test-clock
	@printf '%s\n' $(CLOCK_MOMENTS) | xargs -P $(CLOCK_JOBS) -I{} sh -c \
	  'log=artefacts/test-clock/{}.log; echo "== test suite with the clock at {} =="; \
	  JURAGAN_TEST_CLOCK={} $(BIN)/python -m pytest -q -m "not browser" \
	    -p no:cacheprovider >$$log 2>&1; rc=$$?; \
	  echo "== clock at {}: $$(tail -n 1 $$log)"; \
	  [ $$rc = 0 ] || { grep -E "^(FAILED|ERROR) " $$log || tail -n 20 $$log; exit 1; }'

bench: install-test
	$(BIN)/python bench/seed_speed.py
	$(BIN)/python bench/import_speed.py --rows 5000

# Time and peak memory of the heaviest requests, each at its cap.
bench-bounded: install-test translations pdf-deps
	$(BIN)/python bench/bounded_work.py

# Dashboards at 10k, 100k and 1M returnees on PostgreSQL (seeds its databases once).
bench-dashboard: install-test translations
	$(BIN)/python bench/dashboard.py --server $(PG_TEST_URL)

# Load and faults against gunicorn with PostgreSQL and Redis: stops the local
# PostgreSQL cluster for 5 seconds (run it alone, as root or the cluster's owner).
bench-trust: install-test translations
	$(BIN)/python bench/trust.py --server $(PG_TEST_URL)

clean:
	rm -rf $(VENV) .pytest_cache artefacts
	find . -name __pycache__ -prune -exec rm -rf {} +
