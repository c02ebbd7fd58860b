# Kontor: run, test and develop. GNU make; every target works from a fresh clone.
#   make run              embedded mode (SQLite, blob folder, embedded search) on $(HOST):$(PORT)
#   make worker           a Celery worker (production mode: CELERY_BROKER_URL and the rest set)
#   make beat             Celery beat, which queues the periodic jobs (approval deadlines)
#   make test             install, lint, pytest embedded, pytest production (real servers)
#   make test-embedded    pytest in embedded mode only
#   make test-production  start the servers, a Celery worker, pytest in production mode, stop
#   make services-up      real servers for development under var/services (. var/services/env.sh)
#   make services-down
#   make bench            the benchmarks against the production servers
#   make lint             ruff check, ruff format --check, mypy, the import layers (lint-imports)
#   make screenshots      the README's pictures of the pages (docs/screenshots/), from the browser tests
# Extra pytest arguments: make test-embedded PYTEST_ARGS="-k upload -x"; without the browser
# tests: PYTEST_ARGS="-m 'not e2e'"

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Developer services (make services-up) and the benchmarks use other ports than the test run's
# (defaults in scripts/services/lib.sh), so that all three can run at once. All are below 32768,
# out of Linux's ephemeral range, so an outgoing connection never holds one of them.
DEV_SERVICES_DIR := var/services
DEV_PORTS := KONTOR_SVC_PG_PORT=25432 KONTOR_SVC_REDIS_PORT=26379 KONTOR_SVC_CEPH_MON_PORT=23300 \
	KONTOR_SVC_RGW_PORT=27480 KONTOR_SVC_ES_PORT=29200 KONTOR_SVC_BUCKET=kontor
BENCH_SERVICES_DIR := var/bench-services
BENCH_PORTS := KONTOR_SVC_PG_PORT=11432 KONTOR_SVC_REDIS_PORT=11379 KONTOR_SVC_CEPH_MON_PORT=11300 \
	KONTOR_SVC_RGW_PORT=11480 KONTOR_SVC_ES_PORT=11200 KONTOR_SVC_BUCKET=kontor-bench

.PHONY: help install runtime venv run worker beat test test-embedded test-production lint screenshots \
	services-up services-down bench bench-upload bench-search bench-acl bench-pages bench-inbox bench-render \
	bench-spell bench-neardup bench-ocr

help:
	@sed -n '2,15s/^# \{0,1\}//p' Makefile

# Debian packages for the test servers, the virtualenv, the test tools (quick when present).
install:
	@scripts/services/install.sh

# The server's Debian packages (OCR, previews, printing) and the virtualenv: what `make run` needs.
runtime:
	@scripts/services/install.sh --run

# The virtualenv only.
venv:
	@scripts/services/install.sh --venv-only

run: runtime
	@if (exec 3<>/dev/tcp/$(HOST)/$(PORT)) 2>/dev/null; then \
		echo "$(HOST):$(PORT) is already in use (another make run?); choose another: make run PORT=8001" >&2; \
		exit 1; \
	fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py drain_search_outbox  # what an upgrade or an interrupted run left to index
	$(PY) manage.py ensure_superuser
	@echo "serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) \
		--worker-class gthread --workers 1 --threads 8 --timeout 600 --access-logfile - \
		--no-control-socket

worker: runtime
	@if [ -z "$$CELERY_BROKER_URL" ]; then \
		echo "CELERY_BROKER_URL is not set: in embedded mode jobs run in-process and no worker is needed." >&2; \
		echo "For production mode against local servers: make services-up && . $(DEV_SERVICES_DIR)/env.sh" >&2; \
		exit 1; \
	fi
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: venv
	@if [ -z "$$CELERY_BROKER_URL" ]; then \
		echo "CELERY_BROKER_URL is not set: in embedded mode run 'python manage.py escalate' from cron." >&2; \
		exit 1; \
	fi
	$(VENV)/bin/celery -A config beat --loglevel=info --schedule=$${KONTOR_DATA_DIR:-var}/celerybeat-schedule

test: install
	@scripts/services/run-tests.sh all

test-embedded: venv
	@scripts/services/run-tests.sh embedded

test-production: install
	@scripts/services/run-tests.sh production

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy . \
		&& $(VENV)/bin/lint-imports --no-cache

# The browser tests' page checks save a picture of each main page when told where.
screenshots: install
	@KONTOR_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots PYTEST_ARGS="tests/e2e -m e2e -k accessible" \
		scripts/services/run-tests.sh embedded

services-up: install
	@$(DEV_PORTS) scripts/services/start.sh $(DEV_SERVICES_DIR)
	@echo
	@echo "To use them in this shell:   . $(DEV_SERVICES_DIR)/env.sh"
	@echo "then: make run, make worker. Stop them with: make services-down"
	@sed -n 's/^export /    /p' $(DEV_SERVICES_DIR)/env.sh

services-down:
	@scripts/services/stop.sh $(DEV_SERVICES_DIR)

# Benchmarks print their ratios against the raw engines; they write into var/bench.
#   make bench          all of them: upload (real servers), search (embedded), acl (SQLite + PostgreSQL),
#                       pages (the document list page beside the API list, embedded), inbox
#                       (an approver's inbox beside the bare SQL, PostgreSQL), spell (spelling
#                       quality per language, and speed beside pyspellchecker)
#   make bench-upload / bench-search / bench-acl / bench-pages / bench-inbox / bench-spell   one of them
#   make bench-render   document templates: .docx and PDF beside bare docxtpl and LibreOffice
#   make bench-neardup  near-duplicate lookup against brute force (SQLite + PostgreSQL)
#   make bench-ocr      OCR of rendered scans (en, de, ru; clean and degraded) beside bare tesseract
bench: bench-upload bench-search bench-acl bench-pages bench-inbox bench-spell bench-neardup bench-ocr

bench-pages: venv
	$(PY) bench/pages.py

# Templates: a 50-row contract as .docx and PDF beside bare docxtpl and bare LibreOffice.
bench-render: venv
	$(PY) bench/render.py

# Spelling: quality per language, and speed beside a plain pyspellchecker loop.
bench-spell: venv
	$(PY) bench/spell.py

# near duplicates: the LSH lookup against a brute-force scan, on SQLite then PostgreSQL
.PHONY: bench-neardup
bench-neardup: install
	@set -e; \
	trap 'scripts/services/stop.sh $(BENCH_SERVICES_DIR)' EXIT; \
	scripts/services/stop.sh $(BENCH_SERVICES_DIR) >/dev/null; \
	env -u DATABASE_URL $(PY) bench/neardup.py --docs 100000; \
	$(BENCH_PORTS) scripts/services/start.sh $(BENCH_SERVICES_DIR); \
	. $(BENCH_SERVICES_DIR)/env.sh; \
	$(PY) bench/neardup.py --docs 100000 --database-url "$$DATABASE_URL"

# OCR: character error rate and pages per minute beside the bare tesseract command.
bench-ocr: venv
	$(PY) bench/ocr.py

bench-search: venv
	$(PY) bench/search.py --docs 100000

bench-acl: install
	@set -e; \
	trap 'scripts/services/stop.sh $(BENCH_SERVICES_DIR)' EXIT; \
	scripts/services/stop.sh $(BENCH_SERVICES_DIR) >/dev/null; \
	$(BENCH_PORTS) scripts/services/start.sh $(BENCH_SERVICES_DIR); \
	. $(BENCH_SERVICES_DIR)/env.sh; \
	env -u DATABASE_URL $(PY) bench/acl.py --docs 100000,1000000; \
	$(PY) bench/acl.py --docs 100000,1000000 --database-url "$$DATABASE_URL"

bench-inbox: install
	@set -e; \
	trap 'scripts/services/stop.sh $(BENCH_SERVICES_DIR)' EXIT; \
	scripts/services/stop.sh $(BENCH_SERVICES_DIR) >/dev/null; \
	$(BENCH_PORTS) scripts/services/start.sh $(BENCH_SERVICES_DIR); \
	. $(BENCH_SERVICES_DIR)/env.sh; \
	$(PY) bench/inbox.py --database-url "$$DATABASE_URL"

bench-upload: install
	@set -e; \
	trap 'scripts/services/stop.sh $(BENCH_SERVICES_DIR)' EXIT; \
	scripts/services/stop.sh $(BENCH_SERVICES_DIR) >/dev/null; \
	$(BENCH_PORTS) scripts/services/start.sh $(BENCH_SERVICES_DIR); \
	. $(BENCH_SERVICES_DIR)/env.sh; \
	mkdir -p var/bench/data; \
	export KONTOR_BENCH_OUT=var/bench SECRET_KEY=kontor-bench-only KONTOR_DATA_DIR=var/bench/data; \
	$(PY) bench/upload.py
