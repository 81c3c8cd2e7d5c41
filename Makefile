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

.PHONY: run serve test test-sqlite test-postgres test-clock test-clock-all lint translations extract-messages \
        browser-deps pdf-deps install install-test bench bench-bounded bench-dashboard \
        bench-pages bench-trust clean lock coverage

# Exact versions of everything installed (the app's and the tests' dependencies),
# compiled from setup.cfg's ranges by `make lock`: a run installs what the last
# green run had, not whatever was newest that morning.
LOCK := requirements.lock

$(VENV)/.installed: setup.cfg pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -c $(LOCK) -e '.[test]'
	touch $@

# After changing a range in setup.cfg, or to move to newer releases: recompile the
# lock (newest versions that fit, for Python 3.11 and later), then `make test`.
lock: $(VENV)/.installed
	$(BIN)/python -m pip install -q uv
	{ echo "# Exact versions for make install and make test; recompile with make lock."; \
	  $(BIN)/uv pip compile setup.cfg --extra test --universal --python-version 3.11 \
	  --no-header --quiet; } > $(LOCK).new && mv $(LOCK).new $(LOCK)

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
	$(BIN)/python -m juragan.i18n.catalogue fill-english juragan/translations/en/LC_MESSAGES/messages.po

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
	$(BIN)/ruff check juragan tests migrations bench tools wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check juragan tests migrations bench tools wsgi.py gunicorn.conf.py
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install-test translations browser-deps pdf-deps lint test-sqlite test-postgres test-clock

# Tests run in parallel (pytest-xdist), one worker per CPU unless TEST_WORKERS says;
# each worker has its own throwaway database, live server and browser.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The SQLite run measures coverage (lines and branches of juragan/, setup.cfg):
# the figure is printed, the report is in artefacts/coverage/ (and `make coverage`).
test-sqlite: install-test translations
	@echo "== test suite on SQLite =="
	$(PYTEST) --cov --cov-report=html:artefacts/coverage --cov-report=xml:artefacts/coverage.xml
	@echo "== coverage of juragan/: $$($(BIN)/coverage report --format=total)% of lines and branches"

coverage:
	$(BIN)/coverage report --skip-covered --sort=cover

# Runs when PostgreSQL answers; under CI (CI=true) an unreachable server is a failure.
test-postgres: install-test translations
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== test suite on PostgreSQL =="; \
	  TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST); \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is not reachable, and CI requires the PostgreSQL run." >&2; exit 1; \
	else \
	  echo "PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL run skipped."; \
	fi

# The suite again with the clock started at awkward moments of docs/time.md
# (JURAGAN_TEST_CLOCK, tests/frozen_clock.py), one moment after the other, each run
# parallel and logged under artefacts/test-clock/. SQLite only, without the browser
# tests (chromium keeps its own clock, which no traveller moves) and without the
# slow ones (the route and form sweeps, the races: they take no date). A test's own
# travels nest inside the run's. `make test` takes the two moments that hold the
# most at once: 23:30 WIB on 31 December 2027 (a 31st, the end of a month and of a
# year, already 1 January 2028 in WITA and WIT) and 00:30 WIB on 29 February 2028
# (the leap day, still the 28th in UTC); `make test-clock-all` adds 00:30 WIB on
# 1 January 2027, 00:30 WIB on 31 March 2027 (a month later is 30 April) and 23:30
# WIB on 30 April 2027 (a 30-day month's end, 1 May in WITA and WIT).
CLOCK_MOMENTS ?= 2027-12-31T16:30:00Z 2028-02-28T17:30:00Z
CLOCK_MOMENTS_ALL := 2026-12-31T17:30:00Z 2027-03-30T17:30:00Z 2027-04-30T16:30:00Z \
                     $(CLOCK_MOMENTS)
test-clock-all:
	$(MAKE) test-clock CLOCK_MOMENTS="$(CLOCK_MOMENTS_ALL)"

test-clock: install-test translations pdf-deps
	@mkdir -p artefacts/test-clock
	@failed=0; for moment in $(CLOCK_MOMENTS); do \
	  log=artefacts/test-clock/$$moment.log; echo "== test suite with the clock at $$moment =="; \
	  if JURAGAN_TEST_CLOCK=$$moment $(PYTEST) -q -m "not browser and not slow" \
	      -p no:cacheprovider >$$log 2>&1; then echo "== clock at $$moment: $$(tail -n 1 $$log)"; \
	  else failed=1; echo "== clock at $$moment: $$(tail -n 1 $$log)"; \
	    grep -E "^(FAILED|ERROR) " $$log || tail -n 20 $$log; fi; \
	done; exit $$failed

bench: install-test
	$(BIN)/python bench/seed_speed.py
	$(BIN)/python bench/import_speed.py --rows 5000

# Time and peak memory of the heaviest requests, each at its cap.
bench-bounded: install-test translations pdf-deps
	$(BIN)/python bench/bounded_work.py

# Dashboards at 10k, 100k and 1M returnees on PostgreSQL (seeds its databases once).
bench-dashboard: install-test translations
	$(BIN)/python bench/dashboard.py --server $(PG_TEST_URL)

# Every GET page of every demo role through gunicorn at 10k and 1M returnees on
# PostgreSQL, against its SQL, and a mixed load against the bare route (seeds its
# databases once; BENCH_PAGES_ARGS="--sizes 10000" for the small size alone).
BENCH_PAGES_ARGS ?=
bench-pages: install-test translations
	$(BIN)/python bench/pages.py --server $(PG_TEST_URL) $(BENCH_PAGES_ARGS)
	$(BIN)/python bench/pages_sqlite.py

# Load and faults against gunicorn with PostgreSQL and Redis: stops the local
# PostgreSQL cluster for 5 seconds (run it alone, as root or the cluster's owner).
bench-trust: install-test translations
	$(BIN)/python bench/trust.py --server $(PG_TEST_URL)

clean:
	rm -rf $(VENV) .pytest_cache artefacts
	find . -name __pycache__ -prune -exec rm -rf {} +
