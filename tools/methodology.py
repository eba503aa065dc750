"""/methodology/: how scores, verdicts, community figures and the pick by the numbers are made,
read from the settings, rules and rows the site runs on, so it cannot drift from the pages.

It lives in tools because it states the rules of every app below (verdicts, votes, trust,
modelspecs)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.views.decorators.http import require_safe

from core import keys
from core.numbers import WILSON_CONFIDENCE_PERCENT, round_half_up, wilson_lower_bound
from core.pages import Page, public_page
from modelspecs.costs import active_uses
from modelspecs.models import PickMethod
from modelspecs.picks import RULES_VERSION, TIE_PERCENT, requirements, traffic
from verdicts.models import MethodChange, Reviewer


@require_safe
@public_page()
def methodology(request: HttpRequest) -> Page:
    versions = list(PickMethod.objects.all()[:20])
    context = {
        "reviewers": list(Reviewer.objects.filter(is_active=True)),
        "authorship": settings.REVIEW_AUTHORSHIP,
        "minimum_votes": settings.COMMUNITY_MINIMUM_VOTES,
        "tally_window": settings.TALLY_WINDOW_SECONDS,
        "vote_limits": settings.RATE_LIMITS["vote"],
        "fact_stale_days": settings.FACT_STALE_DAYS,
        "correction_limit": settings.RATE_LIMITS["correction"]["ip"],
        "vote_allowance": settings.VOTES_PER_ADDRESS_PER_TOOL_PER_DAY,
        "burst_minimum": settings.VOTE_BURST_MINIMUM,
        "wilson_confidence": WILSON_CONFIDENCE_PERCENT,
        "wilson_few": round_half_up(100 * wilson_lower_bound(3, 3)),
        "wilson_many": round_half_up(100 * wilson_lower_bound(90, 100)),
        "changes": list(MethodChange.objects.all()[:50]),
        # The pick by the numbers: the same uses and rules the compare pages read.
        "uses": [
            (use, ", ".join(requirements(use)) or "nothing beyond text in and out", traffic(use))
            for use in active_uses()
        ],
        "tie_percent": TIE_PERCENT,
        "rules_version": RULES_VERSION,
        "pick_version": versions[0] if versions else None,
        "pick_versions": versions,
    }
    return Page("tools/methodology.html", context, [keys.PANEL, keys.METHOD])
