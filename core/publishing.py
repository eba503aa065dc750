"""Draft, scheduled and published: one rule for what visitors see, shared by tools and reviews.

An item is *live* when its status is not draft and its publish time has come
(`published_at <= now`). Nothing flips a status when the time comes: the rule reads the
clock, so a scheduled item goes live at its time without a worker, and the page cache
expires pages built before it (core/pages.py, "go-live").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


_previewing: ContextVar[bool] = ContextVar("previewing", default=False)


@contextmanager
def previewing() -> Iterator[None]:
    """Within it, drafts and scheduled items count as live (staff preview: tools/preview.py)."""
    token = _previewing.set(True)
    try:
        yield
    finally:
        _previewing.reset(token)


def is_previewing() -> bool:
    return _previewing.get()


# The two verdicts, as critics give them and readers vote them: one spelling for the models, the
# panel, the tally and raw SQL (verdicts/panel.py and votes/tally.py take them from here).
SHIP = "ship"
SKIP = "skip"


def live_q(prefix: str = "", now: datetime | None = None) -> Q:
    """Rows visitors may see now; `prefix` reaches them through a relation (`"tool__"`)."""
    if _previewing.get():
        return Q()
    return ~Q(**{f"{prefix}status": Status.DRAFT}) & Q(
        **{f"{prefix}published_at__lte": now or timezone.now()}
    )


def live_sql(alias: str) -> str:
    """live_q as a condition of raw SQL, for the few queries written by hand (votes/views.py):
    the same rule, spelt once here beside it. `alias` is the table's alias in that query."""
    if not alias.isidentifier():
        raise ValueError(f"not a table alias: {alias!r}")
    return f"{alias}.status <> '{Status.DRAFT}' AND {alias}.published_at <= now()"


def now_to_the_second() -> datetime:
    """The admin edits times to the second: a default with microseconds would read as changed."""
    return timezone.now().replace(microsecond=0)


class Publishable(models.Model):
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Draft: only staff see it (Preview). Scheduled: goes live at the publish time.",
    )
    published_at = models.DateTimeField(
        "publish time",
        default=now_to_the_second,
        help_text="When it goes live. A time in the future schedules it.",
    )

    class Meta:
        abstract = True

    @property
    def is_live(self) -> bool:
        return self.status != Status.DRAFT and self.published_at <= timezone.now()

    @property
    def state(self) -> str:
        """What an editor sees: Draft, "Scheduled" (not yet due) or Published."""
        if self.status == Status.DRAFT:
            return Status.DRAFT.label
        if self.published_at > timezone.now():
            return Status.SCHEDULED.label
        return Status.PUBLISHED.label

    @classmethod
    def from_db(cls, db, field_names, values):
        item = super().from_db(db, field_names, values)
        item._published_at_loaded = dict(zip(field_names, values, strict=False)).get("published_at")
        return item

    def clean_publishing(self) -> None:
        """A new schedule needs a time to come (one whose time has come is simply live);
        publishing "now" with a future time schedules it."""
        loaded = getattr(self, "_published_at_loaded", None)
        # The admin edits to the second: a time within a second of the stored one is unchanged.
        rescheduled = loaded is None or abs((self.published_at - loaded).total_seconds()) >= 1
        if self.status == Status.SCHEDULED and rescheduled and self.published_at <= timezone.now():
            raise ValidationError(
                {"published_at": "A scheduled item needs a publish time in the future."}
            )
        if self.status == Status.PUBLISHED and self.published_at > timezone.now():
            self.status = Status.SCHEDULED
