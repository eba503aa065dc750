"""An Atom feed of the panel's latest verdicts and verdict changes (Django's syndication framework).

A changed verdict is an entry of its own ("The Skeptic on Cursor: skip → ship"), dated when it
changed, with the editor's reason: readers following the feed learn of it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from verdicts.models import Review, VerdictChange

ENTRIES = 30


class LatestVerdictsFeed(Feed):
    feed_type = Atom1Feed
    title = "Shiplist: the panel's latest verdicts"
    subtitle = "Each critic's score out of 100, ship or skip, and why; and every changed verdict."
    link = "/"

    def items(self) -> list[Review | VerdictChange]:
        reviews = list(
            Review.objects.published()
            .select_related("tool", "reviewer")
            .order_by("-published_at", "-pk")[:ENTRIES]
        )
        changes = list(VerdictChange.objects.public().select_related("tool")[:ENTRIES])
        entries = [*reviews, *changes]
        entries.sort(key=self.item_pubdate, reverse=True)
        return entries[:ENTRIES]

    def item_title(self, item: Review | VerdictChange) -> str:
        if isinstance(item, VerdictChange):
            return f"{item.reviewer.name} on {item.tool.name}: changed, {item.summary}"
        return f"{item.reviewer.name} on {item.tool.name}: {item.score_line}"

    def item_description(self, item: Review | VerdictChange) -> str:
        # Atom summaries are HTML: escape the plain text and keep its paragraphs.
        if isinstance(item, VerdictChange):
            return linebreaks(escape(item.reason or "No reason was recorded."))
        return linebreaks(escape(item.body))

    def item_link(self, item: Review | VerdictChange) -> str:
        if isinstance(item, VerdictChange):
            return f"{item.tool.get_absolute_url()}#verdict-history"
        return f"{item.tool.get_absolute_url()}#critic-{item.reviewer.slug}"

    def item_guid(self, item: Review | VerdictChange) -> str:
        if isinstance(item, VerdictChange):
            return f"{settings.SITE_URL}/verdicts/changes/{item.pk}"
        return f"{settings.SITE_URL}/verdicts/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Review | VerdictChange):
        return item.changed_at if isinstance(item, VerdictChange) else item.published_at

    def item_updateddate(self, item: Review | VerdictChange):
        return item.changed_at if isinstance(item, VerdictChange) else item.updated_at

    def item_author_name(self, item: Review | VerdictChange) -> str:
        return item.reviewer.name
