"""Counting comparison page views: one upsert per visitor's first view of the day.

The page itself is served from caches that never reach Django; it sends a small beacon once
loaded (tools/views.py: compare_viewed). Each visitor counts once a day per comparison (the
shared cache remembers them), so a busy page costs one small `INSERT ... ON CONFLICT DO UPDATE`
per new reader, not one per view. Pages listing popular comparisons are told at most every
POPULAR_REFRESH_SECONDS (the shared cache remembers that too), so nothing is kept in a process.
"""

from __future__ import annotations

import logging

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
# Pages listing popular comparisons (home, categories) are rebuilt when `popular` is bumped. A
# rebuild of home costs a few hundred milliseconds at 500 tools, so the ranking may lag by up
# to this long instead of invalidating them on every view.
POPULAR_REFRESH_SECONDS = 600
POPULAR_BUMPED = "popular-bumped"

DAY_SECONDS = 24 * 60 * 60

COUNT_VIEW = f"""
    INSERT INTO {ComparisonView._meta.db_table} AS counted (pair, views, updated_at)
    VALUES (%s, 1, %s)
    ON CONFLICT (pair) DO UPDATE SET views = counted.views + 1, updated_at = EXCLUDED.updated_at
"""  # noqa: S608 (our own table name, not input)


def record_view(pair: str) -> None:
    """Count one view of a canonical comparison, and now and then refresh the popular lists."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(COUNT_VIEW, [pair, timezone.now()])
    except DatabaseError:
        logger.warning("could not count a view of %s", pair)
        return
    try:
        due = cache.add(POPULAR_BUMPED, 1, timeout=POPULAR_REFRESH_SECONDS)
    except Exception:
        due = False  # the cache is down: so are the pages kept in it
    if due:
        purge([keys.POPULAR])


def record_view_once(request: HttpRequest, pair: str) -> None:
    """Count this visitor's view of a comparison at most once a day. A visitor is their
    address and browser, hashed with the site's key and the day, remembered for a day."""
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
