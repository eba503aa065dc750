"""Votes deleted or changed outside the vote endpoint (a moderator in the admin, a cascade from
a deleted visitor) update the figures like a vote does. The endpoint's own writes are single
SQL statements that purge for themselves (votes/services.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.purge import purge
from votes.identity import forget_visitor_state
from votes.models import Vote
from votes.services import tally_keys


@receiver([post_save, post_delete], sender=Vote)
def vote_changed(sender, instance: Vote, **kwargs) -> None:
    purge(tally_keys(instance.tool_id))
    forget_visitor_state(instance.visitor_id)
