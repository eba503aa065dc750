"""What moderators look at: which tools are getting votes faster than usual, the bursts (votes on
one tool from one address hash within one minute) and the clusters (one browser fingerprint on
one tool within an hour, across addresses) that explain it, and the spikes that alert them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
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


# --- Clusters: one browser fingerprint voting on one tool from many addresses ---------------

CLUSTER_HOURS = 24


@dataclass(frozen=True)
class Cluster:
    """A run of votes on one tool from one browser fingerprint (agent hash), each within
    VOTE_CLUSTER_GAP_MINUTES of the one before, across however many addresses: what a script
    rotating addresses leaves behind, where bursts (one address, one minute) each look small.
    Runs, not clock hours, so a script cannot hide by straddling the top of an hour."""

    tool_id: int
    tool_name: str
    agent_hash: str
    start: datetime.datetime
    end: datetime.datetime
    votes: int
    ships: int
    addresses: int
    held: int

    @property
    def skips(self) -> int:
        return self.votes - self.ships

    @property
    def key(self) -> str:
        return f"{self.tool_id}|{self.agent_hash}|{self.start.isoformat()}|{self.end.isoformat()}"


def clusters(now: datetime.datetime | None = None) -> list[Cluster]:
    """Clusters of VOTE_CLUSTER_MINIMUM or more votes from two or more addresses in the last
    CLUSTER_HOURS hours, largest first. Two queries: which (tool, fingerprint) pairs have
    enough votes at all, then those pairs' votes, split into runs here."""
    now = now or timezone.now()
    minimum = settings.VOTE_CLUSTER_MINIMUM
    gap = datetime.timedelta(minutes=settings.VOTE_CLUSTER_GAP_MINUTES)
    recent = Vote.objects.filter(created_at__gte=now - CLUSTER_HOURS * HOUR).exclude(agent_hash="")
    pairs = (
        recent.values("tool_id", "agent_hash")
        .annotate(count=Count("pk"))
        .filter(count__gte=minimum)
    )
    match = Q()
    for pair in pairs:
        match |= Q(tool_id=pair["tool_id"], agent_hash=pair["agent_hash"])
    if not match:
        return []
    rows = (
        recent.filter(match)
        .values_list(
            "tool_id", "tool__name", "agent_hash", "created_at", "address_hash", "value", "held"
        )
        .order_by("tool_id", "agent_hash", "created_at")
    )
    found: list[Cluster] = []
    run: list[tuple] = []

    def close(run: list[tuple]) -> None:
        addresses = {row[4] for row in run}
        if len(run) >= minimum and len(addresses) >= 2:
            found.append(
                Cluster(
                    tool_id=run[0][0],
                    tool_name=run[0][1],
                    agent_hash=run[0][2],
                    start=run[0][3],
                    end=run[-1][3],
                    votes=len(run),
                    ships=sum(1 for row in run if row[5] == Vote.Value.SHIP),
                    addresses=len(addresses),
                    held=sum(1 for row in run if row[6]),
                )
            )

    for row in rows:
        if run and (row[:3:2] != run[-1][:3:2] or row[3] - run[-1][3] > gap):
            close(run)
            run = []
        run.append(row)
    close(run)
    return sorted(found, key=lambda cluster: (-cluster.votes, -cluster.end.timestamp()))


def parse_cluster_key(key: str) -> tuple[int, str, datetime.datetime, datetime.datetime] | None:
    """(tool id, agent hash, first vote, last vote) from Cluster.key, or None."""
    parts = key.split("|")
    if len(parts) != 4 or not parts[0].isdigit():
        return None
    agent_hash = parts[1]
    if len(agent_hash) != 64 or not all(c in "0123456789abcdef" for c in agent_hash):
        return None
    try:
        start, end = (datetime.datetime.fromisoformat(part) for part in parts[2:])
    except ValueError:
        return None
    if start.tzinfo is None or end.tzinfo is None or end < start or end - start > DAY:
        return None
    return int(parts[0]), agent_hash, start, end


def votes_in_cluster(
    tool_id: int, agent_hash: str, start: datetime.datetime, end: datetime.datetime
) -> QuerySet:
    return Vote.objects.filter(
        tool_id=tool_id, agent_hash=agent_hash, created_at__gte=start, created_at__lte=end
    )


# --- Spikes: a tool voted on far faster than usual alerts the Moderators ---------------------


def hourly_rates(tool_id: int, now: datetime.datetime | None = None) -> tuple[int, float]:
    """Votes on the tool in the last hour, and its usual hourly rate (the 30 days before)."""
    now = now or timezone.now()
    counts = Vote.objects.filter(tool_id=tool_id, created_at__gte=now - 31 * DAY).aggregate(
        last_hour=Count("pk", filter=Q(created_at__gte=now - HOUR)),
        before=Count("pk", filter=Q(created_at__lt=now - DAY)),
    )
    return counts["last_hour"], counts["before"] / (30 * 24)


def is_spike(last_hour: int, usual_per_hour: float) -> bool:
    return last_hour >= settings.VOTE_SPIKE_MINIMUM and (
        last_hour >= settings.VOTE_SPIKE_TIMES * usual_per_hour
    )
