"""What goes into a weekly digest: the verdicts published or changed in its period, where those
tools now stand, comparisons to read next, and where the panel and the crowd disagree.

There is no page-view counter yet, so "most viewed comparisons" cannot be ranked honestly; the
digest suggests comparisons with the week's tools instead, and says nothing about popularity.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from newsletter.emails import SITE_NAME, site_context
from newsletter.models import Digest, iso_week_label
from tools.compare import canonical_pair
from tools.models import Tool
from verdicts.models import Review, VerdictChange
from verdicts.panel import SHIP, SKIP

PERIOD = datetime.timedelta(days=7)
# Fewer votes than this and a "community majority" is noise, not a disagreement worth a headline.
DISAGREEMENT_MIN_VOTES = 20
MAX_COMPARISONS = 4
MAX_DISAGREEMENTS = 5
EXCERPT_WORDS = 45


def week_of(moment: datetime.datetime) -> datetime.date:
    """The Monday of the ISO week `moment` falls in (in the site's time zone)."""
    day = timezone.localdate(moment)
    return day - datetime.timedelta(days=day.weekday())


def digest_period(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The last seven days, but never reaching back before the previous digest's period ended
    (so a digest sent early in one week and late in the next repeats nothing)."""
    start = now - PERIOD
    previous = Digest.objects.filter(week__lt=week_of(now)).order_by("-week").first()
    if previous is not None and start < previous.period_end < now:
        start = previous.period_end
    return start, now


@dataclass
class ToolNews:
    """One tool of the digest, with its panel summary and the verdicts that are new or changed."""

    tool: Tool
    reviews: list[Review] = field(default_factory=list)


@dataclass
class DigestContent:
    start: datetime.datetime
    end: datetime.datetime
    news: list[ToolNews]
    comparisons: list[tuple[Tool, Tool]]
    disagreements: list[Tool]
    # Verdicts that flipped or scores that moved a lot, with the editor's reason.
    changes: list[VerdictChange] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(review.is_new for item in self.news for review in item.reviews)

    @property
    def updated_count(self) -> int:
        return sum(not review.is_new for item in self.news for review in item.reviews)

    @property
    def subject(self) -> str:
        names = [item.tool.name for item in self.news] or list(
            dict.fromkeys(change.tool.name for change in self.changes)
        )
        if len(names) <= 2:
            tools = " and ".join(names)
        else:
            tools = f"{names[0]}, {names[1]} and {len(names) - 2} more"
        return Truncator(f"{SITE_NAME} weekly: the panel's verdicts on {tools}").chars(200)


def build_content(*, start: datetime.datetime, end: datetime.datetime) -> DigestContent | None:
    """The digest of [start, end), or None when no verdict was published or changed in it."""
    reviews = list(
        Review.objects.published()
        .filter(
            Q(published_at__gte=start, published_at__lt=end)
            | Q(published_at__lt=start, updated_at__gte=start, updated_at__lt=end)
        )
        .select_related("reviewer")
        .order_by("reviewer__order", "reviewer__name", "pk")
    )
    changes = list(
        VerdictChange.objects.public()
        .filter(changed_at__gte=start, changed_at__lt=end)
        .select_related("tool")
        .order_by("changed_at", "pk")
    )
    if not reviews and not changes:
        return None
    # One query for every published tool: the week's tools, their rivals and the disagreements.
    tools = list(Tool.objects.published().for_cards().order_by("name"))
    by_pk = {tool.pk: tool for tool in tools}
    news: dict[int, ToolNews] = {}
    for review in reviews:
        review.is_new = review.published_at >= start
        review.excerpt = Truncator(" ".join(review.body.split())).words(EXCERPT_WORDS)
        news.setdefault(review.tool_id, ToolNews(tool=by_pk[review.tool_id])).reviews.append(review)
    ordered = sorted(news.values(), key=lambda item: item.tool.name.lower())
    return DigestContent(
        start=start,
        end=end,
        news=ordered,
        comparisons=comparisons_with([item.tool for item in ordered], tools),
        disagreements=disagreements(tools),
        changes=changes,
    )


def comparisons_with(featured: list[Tool], tools: list[Tool]) -> list[tuple[Tool, Tool]]:
    """Each featured tool against the panel's favourite other reviewed tool of its category."""

    def rank(tool: Tool) -> tuple:
        return (-(tool.panel_ship_percent or 0), -(tool.panel_average_score or 0), tool.name)

    reviewed = sorted((tool for tool in tools if tool.panel.reviewed), key=rank)
    pairs: dict[str, tuple[Tool, Tool]] = {}
    for tool in featured:
        rival = next(
            (
                other
                for other in reviewed
                if other.category_id == tool.category_id and other.pk != tool.pk
            ),
            None,
        )
        if rival is not None:
            pairs.setdefault(canonical_pair([tool.slug, rival.slug]), (tool, rival))
    return list(pairs.values())[:MAX_COMPARISONS]


def disagreements(tools: list[Tool]) -> list[Tool]:
    """Tools whose panel says ship and whose voters say skip, or the other way round."""
    found = [
        tool
        for tool in tools
        if tool.panel.verdict in (SHIP, SKIP)
        and tool.community.total >= DISAGREEMENT_MIN_VOTES
        and tool.community.is_shown
        and tool.community.majority not in (None, tool.panel.verdict)
    ]
    found.sort(key=lambda tool: -tool.community.total)
    return found[:MAX_DISAGREEMENTS]


def render(content: DigestContent, week: datetime.date) -> tuple[str, str, str]:
    """(subject, text, html) with the unsubscribe placeholder still in the bodies."""
    context = {**site_context(), "content": content, "week_label": iso_week_label(week)}
    return (
        content.subject,
        render_to_string("newsletter/email/digest.txt", context),
        render_to_string("newsletter/email/digest.html", context),
    )


def latest_period(before: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The seven days up to the latest verdict change: what --dry-run previews on a quiet week."""
    latest = Review.objects.published().aggregate(
        published=Max("published_at", filter=Q(published_at__lt=before)),
        updated=Max("updated_at", filter=Q(updated_at__lt=before)),
    )
    moments = [moment for moment in latest.values() if moment is not None]
    end = max(moments) + datetime.timedelta(seconds=1) if moments else before
    return end - PERIOD, end
