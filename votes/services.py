"""The writes behind votes and bookmarks: each one statement, safe under concurrency and retries."""

from __future__ import annotations

import datetime
import logging
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import keys
from core.purge import purge
from votes.fingerprints import Fingerprint
from votes.identity import forget_visitor_state
from votes.models import Bookmark, Vote, VoteAlert
from votes.moderation import hourly_rates, is_spike

logger = logging.getLogger(__name__)
SPIKE_LOCK = 7_261_000_000  # + tool id: one alert decision per tool at a time (advisory lock)

CLEAR = "clear"
VOTE_VALUES = (Vote.Value.SHIP, Vote.Value.SKIP, CLEAR)
BOOKMARK_ACTIONS = ("add", "remove")
NO_FINGERPRINT = Fingerprint(address_hash="", agent_hash="")


# One statement each, so that outside a transaction a vote is a single round trip and holds
# the row locks (its own row, and the tool's tally row through the trigger) only while
# Postgres runs it: on a popular tool every voter queues on that tally row. A repeated vote
# matches the WHERE clause of neither and writes nothing.
UPSERT_VOTE = """
    INSERT INTO votes_vote
        (visitor_id, tool_id, value, created_at, updated_at, address_hash, agent_hash)
    VALUES (%(visitor)s, %(tool)s, %(value)s, %(now)s, %(now)s, %(address)s, %(agent)s)
    ON CONFLICT (visitor_id, tool_id) DO UPDATE
        SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
        WHERE votes_vote.value <> EXCLUDED.value
"""
WITHDRAW_VOTE = "DELETE FROM votes_vote WHERE visitor_id = %(visitor)s AND tool_id = %(tool)s"

# The common vote: a returning voter changing (or repeating) their vote. One statement both
# changes the row if there is one and says whether there was, so such a vote needs no query
# first to find out whether it is new (new votes are charged to the address: allowance.py).
# The UPDATE writes only a changed value, as the upsert above does, and fires the same tally
# trigger. The SELECT sees the table as the statement found it (not the UPDATE's change):
# a row existed. A row inserted meanwhile by a parallel first vote is seen by neither; the
# caller then goes the new vote's way, whose INSERT ... ON CONFLICT changes that row instead.
# A row a parallel withdrawal deletes meanwhile is not updated but reported: as if the
# withdrawal came second (it committed after this statement began).
CHANGE_VOTE = """
    WITH changed AS (
        UPDATE votes_vote SET value = %(value)s, updated_at = %(now)s
         WHERE visitor_id = %(visitor)s AND tool_id = %(tool)s AND value <> %(value)s
        RETURNING id
    )
    SELECT EXISTS (SELECT FROM changed)
        OR EXISTS (SELECT FROM votes_vote WHERE visitor_id = %(visitor)s AND tool_id = %(tool)s)
"""


def tally_keys(tool_id: int) -> list[keys.Key]:
    """What a change to this tool's votes makes stale: its figure, and lists of figures."""
    return [keys.tally(tool_id), keys.TALLIES]


def cast_vote(
    *, visitor_id: int, tool_id: int, value: str, fingerprint: Fingerprint = NO_FINGERPRINT
) -> None:
    """Set the visitor's vote on the tool to `value` (ship, skip), or withdraw it (clear).

    Sets state, never toggles: repeating a request changes nothing, and parallel requests by
    one visitor end in one row (INSERT ... ON CONFLICT). A new row keeps `fingerprint`; a
    changed vote keeps the one it was first cast with.
    """
    if value not in VOTE_VALUES:
        raise ValueError(f"not a vote: {value!r}")
    params = {
        "visitor": visitor_id,
        "tool": tool_id,
        "value": value,
        "now": timezone.now(),
        "address": fingerprint.address_hash,
        "agent": fingerprint.agent_hash,
    }
    with connection.cursor() as cursor:
        cursor.execute(WITHDRAW_VOTE if value == CLEAR else UPSERT_VOTE, params)
    after_vote(visitor_id, tool_id)
    if value != CLEAR:
        watch_for_spike(tool_id)


def change_vote(*, visitor_id: int, tool_id: int, value: str) -> bool:
    """If the visitor has a vote on the tool, set it to `value` (ship, skip) and say True; else
    write nothing and say False: the vote is new (charge it, then `cast_vote`)."""
    if value not in (Vote.Value.SHIP, Vote.Value.SKIP):
        raise ValueError(f"not a vote to change to: {value!r}")
    params = {"visitor": visitor_id, "tool": tool_id, "value": value, "now": timezone.now()}
    with connection.cursor() as cursor:
        cursor.execute(CHANGE_VOTE, params)
        (existed,) = cursor.fetchone()
    if existed:
        after_vote(visitor_id, tool_id)
    return existed


def after_vote(visitor_id: int, tool_id: int) -> None:
    """Pages showing the tool's figures are stale, and so is the voter's cached state."""
    purge(tally_keys(tool_id))
    forget_visitor_state(visitor_id)


def set_bookmark(*, visitor_id: int, tool_id: int, action: str) -> None:
    """Add or remove the visitor's bookmark of the tool; idempotent like votes."""
    if action not in BOOKMARK_ACTIONS:
        raise ValueError(f"not a bookmark action: {action!r}")
    if action == "remove":
        Bookmark.objects.filter(visitor_id=visitor_id, tool_id=tool_id).delete()
    else:
        Bookmark.objects.bulk_create(
            [Bookmark(visitor_id=visitor_id, tool_id=tool_id)], ignore_conflicts=True
        )
    forget_visitor_state(visitor_id)


def remove_votes(*, vote_ids: list[int]) -> int:
    """Delete these votes (a moderator removing a burst) in one statement; returns how many.

    The tally trigger takes them off the figures in the same statement; the pages showing
    those figures are purged once per tool, not once per vote as the model signals would."""
    if not vote_ids:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM votes_vote WHERE id = ANY(%s) RETURNING tool_id, visitor_id",
            [list(vote_ids)],
        )
        removed = cursor.fetchall()
        for tool_id in sorted({tool_id for tool_id, _ in removed}):
            purge(tally_keys(tool_id))
        for visitor_id in {visitor_id for _, visitor_id in removed}:
            forget_visitor_state(visitor_id)
    return len(removed)


def watch_for_spike(tool_id: int) -> VoteAlert | None:
    """On about one new vote in VOTE_SPIKE_SAMPLE: if the tool's last hour is far above its
    usual rate, record an alert and email the Moderators (once per quiet period per tool)."""
    sample = settings.VOTE_SPIKE_SAMPLE
    if sample > 1 and random.randrange(sample):
        return None
    last_hour, usual = hourly_rates(tool_id)
    if not is_spike(last_hour, usual):
        return None
    quiet = timezone.now() - datetime.timedelta(hours=settings.VOTE_SPIKE_QUIET_HOURS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SPIKE_LOCK + tool_id])
        if VoteAlert.objects.filter(tool_id=tool_id, created_at__gte=quiet).exists():
            return None
        alert = VoteAlert.objects.create(tool_id=tool_id, last_hour=last_hour, usual_per_hour=usual)
    # After the commit: a first vote's transaction (votes.identity.first_action) may still be
    # open, and a slow mail server must not hold its locks.
    transaction.on_commit(lambda: email_moderators(alert))
    return alert


def email_moderators(alert: VoteAlert) -> None:
    moderators = list(
        get_user_model()
        .objects.filter(groups__name="Moderators", is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not moderators:
        return
    link = settings.SITE_URL + reverse("admin:votes_vote_moderation") + f"?tool={alert.tool_id}"
    tool = alert.tool.name
    try:
        send_mail(
            f"Votes on {tool}: {alert.last_hour} in the last hour",
            f"{tool} got {alert.last_hour} votes in the last hour; its usual rate is "
            f"{alert.usual_per_hour:.1f} an hour. Look at its bursts and clusters (hold or remove "
            f"them in one click): {link}",
            None,
            moderators,
        )
    except OSError:
        logger.exception("could not email the moderators about alert %s", alert.pk)
        return
    VoteAlert.objects.filter(pk=alert.pk).update(emailed=len(moderators))


def set_held(votes, *, tool_id: int, held: bool) -> int:
    """Hold these votes (a cluster's) out of the public figures, or put them back: one
    statement, the tally trigger moves the figures; returns how many votes changed."""
    with transaction.atomic():
        changed = votes.exclude(held=held).update(held=held)
        if changed:
            purge(tally_keys(tool_id))
    return changed
