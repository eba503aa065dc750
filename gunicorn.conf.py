"""gunicorn settings for production and `make serve`; the Dockerfile uses this file too."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
# Cached pages, their version keys and rate limits must be shared by every worker: with Redis
# (REDIS_URL) run a process per CPU; without it the cache lives in one process, so run one.
# CPUs this process may use (a container's limit, not the host's count), capped so that
# workers x threads persistent database connections stay well under Postgres' 100.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_default_workers = min(_cpus, 8) if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", _default_workers))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4" if workers > 1 else "8"))
keepalive = 5
timeout = 30
graceful_timeout = 20
# Recycling workers guards against slow leaks but costs a cold start; off unless asked for.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
