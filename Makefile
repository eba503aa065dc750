# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development defaults; production sets its own environment (see README).
export DEBUG ?= true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint install migrate demo serve bench createsuperuser db-stop clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (set PYTHON=python3.12 ...)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py loaddata demo trust_demo
	@# A first revision of each demo tool and review, so the admin's History has a baseline to
	@# compare edits with (skipped once any exists).
	$(BIN)/python manage.py populate_history --auto -v0 2>&1 | grep -v "^Existing history found" || true

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: make createsuperuser, then /admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

createsuperuser: migrate
	$(BIN)/python manage.py createsuperuser

# The production configuration on this machine: DEBUG off, gunicorn, hashed static files.
serve: migrate
	DEBUG=false SECRET_KEY="$${SECRET_KEY:-throwaway-$$RANDOM$$RANDOM$$RANDOM-local-only}" \
	  SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT=false \
	  SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	  bash -c '$(BIN)/python manage.py collectstatic --noinput -v0 && \
	  PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py comparesite.wsgi'

# Load test of the production configuration, alone and behind Varnish; writes docs/benchmarks.md
# (see bench/bench.py).
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	@command -v varnishd >/dev/null || { apt-get update -qq && apt-get install -y -qq varnish; }
	$(BIN)/python bench/bench.py

db-stop: install
	$(BIN)/python -c 'from comparesite.embedded_db import stop_embedded_database as s; s()'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
