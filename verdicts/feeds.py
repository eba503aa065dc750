"""An Atom feed of the panel's latest verdicts (Django's syndication framework)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks

from verdicts.models import Review


class LatestVerdictsFeed(Feed):
    feed_type = Atom1Feed
    title = "Shiplist: the panel's latest verdicts"
    subtitle = "Each critic's score out of 100, ship or skip, and why."
    link = "/"

    def items(self):
        return (
            Review.objects.published()
            .select_related("tool", "reviewer")
            .order_by("-published_at", "-pk")[:30]
        )

    def item_title(self, review: Review) -> str:
        return f"{review.reviewer.name} on {review.tool.name}: {review.score_line}"

    def item_description(self, review: Review) -> str:
        # Atom summaries are HTML: escape the plain text and keep its paragraphs.
        return linebreaks(escape(review.body))

    def item_link(self, review: Review) -> str:
        return f"{review.tool.get_absolute_url()}#critic-{review.reviewer.slug}"

    def item_guid(self, review: Review) -> str:
        return f"{settings.SITE_URL}/verdicts/{review.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, review: Review):
        return review.published_at

    def item_updateddate(self, review: Review):
        return review.updated_at

    def item_author_name(self, review: Review) -> str:
        return review.reviewer.name
