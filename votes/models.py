from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from votes.tally import SHIP, SKIP


class Visitor(models.Model):
    """Who casts votes and keeps bookmarks, named by the signed `visitor` cookie
    (votes/identity.py). Created on a browser's first vote or bookmark, never on a plain page
    view. `user` links visitors made by signed-in users before 7 December 2026; new ones are
    made without it (editors are known by the cookie like anyone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="visitor",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"user {self.user}" if self.user_id else f"anonymous #{self.pk}"


class Vote(models.Model):
    class Value(models.TextChoices):
        SHIP = SHIP, "Ship"
        SKIP = SKIP, "Skip"

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="votes")
    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="votes")
    value = models.CharField(max_length=4, choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Keyed hashes of where the vote came from, for moderators to see bursts: never the address
    # itself, and a key that changes every day (votes/fingerprints.py).
    address_hash = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    agent_hash = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    # Held by a moderator (a suspect cluster): kept, but out of the public figures (the tally
    # trigger skips it) until cleared or removed.
    held = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        permissions = [("moderate_votes", "Can find and remove bursts of votes")]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "tool"], name="one_vote_per_visitor_and_tool"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[SHIP, SKIP]), name="vote_value_ship_or_skip"
            ),
        ]
        indexes = [
            models.Index(fields=["tool", "value"]),
            models.Index(fields=["tool", "-created_at"]),
            models.Index(fields=["-created_at"], name="vote_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} votes {self.value} on {self.tool}"


class Tally(models.Model):
    """A tool's community figures, kept equal to its Vote rows by the database itself.

    A Postgres trigger on votes_vote (migration 0003) adds and subtracts in the same transaction
    as every insert, update and delete, whichever code path wrote them: the vote endpoint, the
    admin, a cascade from a deleted visitor or tool, or plain SQL. Nothing in Python writes
    here, so the figures cannot drift from the rows, and reading them is a join instead of a
    count over every vote. Tools nobody has voted on have no row (read as 0 and 0).
    """

    tool = models.OneToOneField(
        "tools.Tool", on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    ships = models.PositiveIntegerField(default=0)
    skips = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.tool_id}: {self.ships} ship, {self.skips} skip"


class Bookmark(models.Model):
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="bookmarks")
    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "tool"], name="one_bookmark_per_visitor_and_tool"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} bookmarked {self.tool}"


class VoteAlert(models.Model):
    """A tool got votes far faster than usual (votes/moderation.py): Moderators were emailed,
    and the admin home shows it until someone looks."""

    tool = models.ForeignKey("tools.Tool", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_hour = models.PositiveIntegerField()
    usual_per_hour = models.FloatField()
    emailed = models.PositiveSmallIntegerField(default=0, help_text="Moderators emailed.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.last_hour} votes in an hour on tool {self.tool_id}"
