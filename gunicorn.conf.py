"""gunicorn settings for production and `make serve`; the Dockerfile uses this file too."""

import os

# Loopback unless told otherwise: a port open to other hosts lets them skip the shared cache.
# compose.yaml sets HOST=0.0.0.0 inside its network, where only Varnish is a trusted proxy.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Cached pages, their version keys and rate limits must be shared by every worker: with Redis
# (REDIS_URL) run a process per CPU; without it the cache lives in one process, so run one.
# CPUs this process may use (a container's limit, not the host's count), capped so that
# workers x threads persistent database connections stay well under Postgres' 100.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_default_workers = min(_cpus, 8) if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", _default_workers))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4" if workers > 1 else "8"))
# A worker takes at most this many connections at once; more wait in the listen queue for a
# worker with room. Without a cap one process can grab every connection of a burst (seen with
# wrk: all 32 on one worker, the other idle, half the throughput) while the rest sit idle.
# Past threads connections gthread stops keeping connections alive rather than queueing.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", threads * 4))
keepalive = 5
timeout = 30
# Request heads are bounded: an address of at most 4 KB (the site's longest is far shorter),
# at most 64 header fields (what Varnish passes on: deploy/varnish/varnishd.params), each at
# most 8 KB (cookies included). Beyond them gunicorn answers 400 before the app runs.
limit_request_line = 4094
limit_request_fields = 64
limit_request_field_size = 8190
# gunicorn (27, gthread) has no timeout for reading a request once its first byte arrived:
# `timeout` is the worker heartbeat (and bounds HTTP/2 streams only). Bodies are read by the
# app with REQUEST_BODY_TIMEOUT between reads (core/middleware.py: HostileInputMiddleware);
# a client trickling its head is the proxy's to cut off (Varnish: timeout_idle).
graceful_timeout = 20
# Recycling workers guards against slow leaks but costs a cold start; off unless asked for.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
# X-Forwarded-Proto and the like only from the proxies the app trusts (core/clientip.py).
forwarded_allow_ips = ",".join(
    entry.strip() for entry in os.environ.get("TRUSTED_PROXIES", "").split(",") if entry.strip()
)
