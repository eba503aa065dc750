"""schema.org structured data for tool and compare pages.

Only the panel's editorial reviews are described (author, date and score); no AggregateRating
is made up from ship/skip votes, which search engines treat as spam.
"""

from __future__ import annotations

from django.conf import settings

from tools.models import Tool
from verdicts.models import Review


def software_application(tool: Tool, reviews: list[Review], url: str) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "SoftwareApplication",
        "name": tool.name,
        "url": url,
        "applicationCategory": "DeveloperApplication",
        "description": tool.description,
        "author": {"@type": "Organization", "name": tool.maker},
        "review": [
            {
                "@type": "Review",
                # The critics are editorial personas, not people: the site is the author,
                # and the persona is named in the review (see /methodology/).
                "author": {"@type": "Organization", "name": settings.SITE_NAME},
                "name": f"{review.reviewer.name} on {tool.name}",
                "datePublished": review.published_at.date().isoformat(),
                # No reviewBody: the paragraph is on the page already, and repeating every
                # critic's text here made a compare page a quarter heavier.
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.score,
                    "bestRating": 100,
                    "worstRating": 0,
                },
            }
            for review in reviews
        ],
    }
    if tool.website:
        data["sameAs"] = tool.website
    if tool.pricing_model in (Tool.Pricing.FREE, Tool.Pricing.OPEN_SOURCE):
        data["offers"] = {"@type": "Offer", "price": "0", "priceCurrency": "USD"}
    if tool.release_date:
        data["datePublished"] = tool.release_date.isoformat()
    if tool.licence:
        data["license"] = tool.licence
    return data
