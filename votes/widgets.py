"""What the vote and bookmark widgets know of a tool: small and plain, so a widget renders once
per process for each tool, state and page (votes/templatetags/votes.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from votes.tally import CommunityTally


@dataclass(frozen=True)
class WidgetTool:
    pk: int
    slug: str
    name: str
    community: CommunityTally

    @classmethod
    def of(cls, tool) -> WidgetTool:
        """From a Tool annotated with its community tally (Tool.objects.for_cards())."""
        return cls(pk=tool.pk, slug=tool.slug, name=tool.name, community=tool.community)

    def get_absolute_url(self) -> str:
        return reverse("tools:detail", args=[self.slug])
