"""How many new votes one address may cast on one tool in a day.

A script that starts a fresh visitor for every vote never keeps a session, so the per-visitor
limit never sees it twice; its address is what stays the same. Each new vote is counted against
the address and the tool in the shared cache (django-ratelimit, a daily window) before anything
is written. A visitor is charged once per tool and day: changing a vote, or withdrawing it and
voting again, is not a new vote.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.utils import timezone

from core.ratelimit import Refusal, check_allowance
from votes.identity import current_visitor_id

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60


def _charged_key(visitor_id: int, tool_id: int) -> str:
    return f"vote-charged:{timezone.now().date().isoformat()}:{visitor_id}:{tool_id}"


def charge_new_vote(
    request: HttpRequest, *, tool_id: int, tool_name: str, value: str
) -> tuple[Refusal | None, bool]:
    """(refusal, charged): a Refusal if this new vote would go over the address's allowance;
    else `charged` says it counted against it (call `remember_charged` once the vote is in).

    For a vote the visitor does not hold yet: the caller has found no vote of theirs on the
    tool (services.change_vote changes one in the same statement that looks for it)."""
    if value == "clear":
        return None, False
    visitor_id = current_visitor_id(request)
    if visitor_id is not None:
        try:
            if cache.get(_charged_key(visitor_id, tool_id)):
                return None, False
        except Exception:
            logger.warning("cache unavailable: charging a returning voter again")
    allowance = settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY
    refusal = check_allowance(
        request,
        group=f"vote:new:{tool_id}",
        rate=f"{allowance}/d",
        message=(
            f"We already counted {allowance} new vote{pluralize(allowance)} on {tool_name} "
            "from your network address today, the most we count from one address in a day. "
            "Nothing changed; you can vote again tomorrow."
        ),
    )
    return refusal, refusal is None


def remember_charged(visitor_id: int, tool_id: int) -> None:
    try:
        cache.set(_charged_key(visitor_id, tool_id), 1, DAY_SECONDS)
    except Exception:
        logger.warning("cache unavailable: visitor %s may be charged again", visitor_id)
