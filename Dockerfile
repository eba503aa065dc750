# Production image: slim Python, non-root, static files collected at build, gunicorn with its config.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt .

COPY . .

# collectstatic needs settings but no database, real secret or public address.
RUN DEBUG=false SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
    SITE_URL=http://build.invalid \
    python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 10001 app && chown -R app:app /app
USER app

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/healthz', timeout=4)" || exit 1

# Migrations may run longer than a web request's statement timeout; the lock timeout stays, so a
# migration waiting on a busy table gives up (and the container retries) rather than queue
# every request behind it.
CMD ["sh", "-c", "DATABASE_STATEMENT_TIMEOUT=0 python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py comparesite.wsgi"]
