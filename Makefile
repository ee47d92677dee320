# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
AXE := tests/e2e/node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

# Development defaults; anything already set in the environment wins.
export DJANGO_DEBUG ?= 1
# pytest-xdist processes for `make test`: one per core by default (TEST_PROCESSES=0 runs in one process).
TEST_PROCESSES ?= auto

.PHONY: run test bench messages migrate reference-data check-deploy clean

# Links in the emails runserver prints lead to the address it serves, unless PORTAL_URL says otherwise.
run: export PORTAL_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.runtime messages
	./scripts/install-system-packages run
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) ensure_dev_superuser --url http://$(HOST):$(PORT)
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(VENV)/.dev messages
	./scripts/install-system-packages test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(MAKE) --no-print-directory $(AXE)
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

# axe-core, which the browser tests run in each page; tests/e2e/package-lock.json pins it.
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

# Figures at a million requests (docs/performance.md). DATABASE_URL must name a scratch database
# whose name contains "bench" (default nlk_bench, created if missing); BENCH_ARGS e.g. --reuse-data.
bench: $(VENV)/.runtime messages
	./scripts/install-system-packages bench
	$(PY) -m bench.run $(BENCH_ARGS)

messages: $(VENV)/.runtime
	@command -v msgfmt >/dev/null || ./scripts/install-system-packages run
	$(MANAGE) compilemessages --ignore=$(VENV) -v0

# Django's deployment checklist against a complete production environment, then that environment
# with each setting production requires missing or left at its development value, refused one by one.
check-deploy: $(VENV)/.runtime
	export DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  DJANGO_ALLOWED_HOSTS=portal.example.org PORTAL_URL=https://portal.example.org \
	  DATABASE_URL=postgres://portal@127.0.0.1:5432/portal \
	  CACHE_URL=rediscache://127.0.0.1:6379/1 CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	  EMAIL_URL=smtp+tls://portal:secret@smtp.example.org:587 \
	  DJANGO_TRUSTED_PROXY=on DJANGO_CLIENT_IP_HEADER=X-Real-IP ILL_ISO18626_AGENCY=ISIL:KR-SeNL \
	  PRIVACY_OFFICER_NAME="Privacy officer" PRIVACY_OFFICER_CONTACT=privacy@portal.example.org; \
	$(MANAGE) check --deploy --fail-level WARNING && $(PY) scripts/check_production_refusals.py

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media tests/e2e/node_modules
