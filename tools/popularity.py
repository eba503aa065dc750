"""Counting comparison page views without a database write per view.

Each process counts views in memory and, at most every FLUSH_SECONDS, adds its counts to
Postgres in one `INSERT ... ON CONFLICT DO UPDATE SET views = views + excluded.views`. Several
workers and hosts simply add up. A crash loses at most a few seconds of counts: fine for a
popularity ranking, which is all this feeds.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core import keys
from core.clientip import client_ip
from core.purge import purge
from tools.compare import SEPARATOR
from tools.models import ComparisonView, Tool

logger = logging.getLogger(__name__)
FLUSH_SECONDS = 30
# Pages listing popular comparisons (home, categories) are rebuilt when `popular` is bumped. A
# rebuild of home costs a few hundred milliseconds at 500 tools, so the ranking may lag by up
# to this long instead of invalidating them on every flush of every worker (p99 spikes).
POPULAR_REFRESH_SECONDS = 600

DAY_SECONDS = 24 * 60 * 60

_lock = threading.Lock()
_pending: Counter[str] = Counter()
_last_flush = time.monotonic()
_last_popular_bump = float("-inf")


def record_view(pair: str) -> None:
    """Count one view of a canonical comparison; flush now and then."""
    global _last_flush
    with _lock:
        _pending[pair] += 1
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
        if due:
            _last_flush = time.monotonic()
    if due:
        flush()


def record_view_once(request: HttpRequest, pair: str) -> None:
    """Count this visitor's view of a comparison at most once a day.

    The page itself is served from caches that never reach Django; it sends a small beacon
    once loaded (tools/views.py: compare_viewed). A visitor is their address and browser,
    hashed with the site's key and the day, and remembered in the shared cache for a day.
    """
    day = timezone.now().date().isoformat()
    visitor = f"{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')[:200]}"
    seen = salted_hmac("tools.popularity", f"{day}|{visitor}|{pair}", algorithm="sha256")
    try:
        first = cache.add(f"viewed:{seen.hexdigest()}", 1, timeout=DAY_SECONDS)
    except Exception:
        logger.warning("cache unavailable: not counting a view of %s", pair)
        return
    if first:
        record_view(pair)


def flush() -> int:
    """Add the pending counts to the database; return how many pairs were written."""
    with _lock:
        counts = dict(_pending)
        _pending.clear()
    if not counts:
        return 0
    table = ComparisonView._meta.db_table  # our own table name, not input
    sql = (
        f"INSERT INTO {table} (pair, views, updated_at) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (pair) DO UPDATE SET views = {table}.views + EXCLUDED.views, "
        "updated_at = EXCLUDED.updated_at"
    )
    try:
        with connection.cursor() as cursor:
            cursor.executemany(
                sql, [(pair, views, timezone.now()) for pair, views in counts.items()]
            )
    except DatabaseError:
        logger.warning("could not write comparison views; keeping them for the next flush")
        with _lock:
            _pending.update(counts)
        return 0
    global _last_popular_bump
    if time.monotonic() - _last_popular_bump >= POPULAR_REFRESH_SECONDS:
        _last_popular_bump = time.monotonic()
        purge([keys.POPULAR])
    return len(counts)


atexit.register(lambda: flush() if _pending else None)


def popular_comparisons(limit: int, *, category_id: int | None = None) -> list[list[Tool]]:
    """The most viewed comparisons whose tools are all published (two queries)."""
    pairs = list(
        ComparisonView.objects.order_by("-views", "pair").values_list("pair", flat=True)[:200]
    )
    slugs = {slug for pair in pairs for slug in pair.split(SEPARATOR)}
    tools = {
        tool.slug: tool
        for tool in Tool.objects.published()
        .with_panel_summary()
        .select_related("model_spec")
        .filter(slug__in=slugs)
    }
    found = []
    for pair in pairs:
        group = [tools.get(slug) for slug in pair.split(SEPARATOR)]
        if None in group:
            continue
        if category_id is not None and any(tool.category_id != category_id for tool in group):
            continue
        found.append(group)
        if len(found) == limit:
            break
    return found
