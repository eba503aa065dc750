"""What moderators look at: which tools are getting votes faster than usual, and the bursts
(votes on one tool from one address hash within one minute) that explain it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMinute
from django.utils import timezone

from votes.models import Vote

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
BURST_DAYS = 2  # how far back bursts are listed
MAX_TOOLS = 50


@dataclass(frozen=True)
class Activity:
    tool_id: int
    name: str
    slug: str
    last_hour: int
    last_day: int
    previous_week: int  # the 7 days before the last day
    previous_month: int  # the 30 days before the last day

    @property
    def week_daily_average(self) -> float:
        return self.previous_week / 7

    @property
    def month_daily_average(self) -> float:
        return self.previous_month / 30

    @property
    def times_usual(self) -> float | None:
        """The last day against the usual day (the 30-day average), None with no usual."""
        usual = self.month_daily_average
        return round(self.last_day / usual, 1) if usual else None


def recent_activity(now: datetime.datetime | None = None) -> list[Activity]:
    """Tools with votes in the last day, busiest in the last hour first, against their usual
    daily rate. One query over the last 31 days of votes (the vote_recent index)."""
    now = now or timezone.now()
    before_today = Q(created_at__lt=now - DAY)
    rows = (
        Vote.objects.filter(created_at__gte=now - 31 * DAY)
        .values("tool_id", "tool__name", "tool__slug")
        .annotate(
            last_hour=Count("pk", filter=Q(created_at__gte=now - HOUR)),
            last_day=Count("pk", filter=Q(created_at__gte=now - DAY)),
            previous_week=Count("pk", filter=before_today & Q(created_at__gte=now - 8 * DAY)),
            previous_month=Count("pk", filter=before_today),
        )
        .filter(last_day__gt=0)
        .order_by("-last_hour", "-last_day", "tool__name")[:MAX_TOOLS]
    )
    return [
        Activity(
            tool_id=row["tool_id"],
            name=row["tool__name"],
            slug=row["tool__slug"],
            last_hour=row["last_hour"],
            last_day=row["last_day"],
            previous_week=row["previous_week"],
            previous_month=row["previous_month"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Burst:
    address_hash: str
    minute: datetime.datetime
    votes: int
    ships: int
    agents: int

    @property
    def skips(self) -> int:
        return self.votes - self.ships

    @property
    def key(self) -> str:
        """What the moderation form sends back for this burst."""
        return f"{self.address_hash}|{self.minute.isoformat()}"


def bursts_of(tool_id: int, now: datetime.datetime | None = None) -> list[Burst]:
    """Bursts on this tool in the last BURST_DAYS days, largest first."""
    now = now or timezone.now()
    rows = (
        Vote.objects.filter(tool_id=tool_id, created_at__gte=now - BURST_DAYS * DAY)
        .exclude(address_hash="")
        .annotate(minute=TruncMinute("created_at"))
        .values("address_hash", "minute")
        .annotate(
            votes=Count("pk"),
            ships=Count("pk", filter=Q(value=Vote.Value.SHIP)),
            agents=Count("agent_hash", distinct=True),
        )
        .filter(votes__gte=settings.VOTE_BURST_MINIMUM)
        .order_by("-votes", "-minute")
    )
    return [Burst(**row) for row in rows]


def parse_burst_key(key: str) -> tuple[str, datetime.datetime] | None:
    """(address hash, minute) from Burst.key, or None if it is not one."""
    address_hash, _, minute = key.partition("|")
    if len(address_hash) != 64 or not all(c in "0123456789abcdef" for c in address_hash):
        return None
    try:
        when = datetime.datetime.fromisoformat(minute)
    except ValueError:
        return None
    if when.tzinfo is None or when.second or when.microsecond:
        return None
    return address_hash, when


def votes_in_bursts(tool_id: int, keys: list[tuple[str, datetime.datetime]]) -> list[int]:
    """Ids of this tool's votes in these bursts."""
    match = Q()
    for address_hash, minute in keys:
        match |= Q(
            address_hash=address_hash,
            created_at__gte=minute,
            created_at__lt=minute + datetime.timedelta(minutes=1),
        )
    return list(Vote.objects.filter(match, tool_id=tool_id).values_list("pk", flat=True))
