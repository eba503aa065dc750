"""What a change to a review or a critic makes stale, however it was written (see
tools/signals.py for why these are signals)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core import keys
from core.purge import purge
from verdicts.models import MethodChange, Review, Reviewer


def _tool_keys(tool_id: int) -> list[keys.Key]:
    """A review changes its tool's panel figures: its pages, and the lists ranking it."""
    tool_model = Review._meta.get_field("tool").related_model
    category_id = tool_model.objects.filter(pk=tool_id).values_list("category_id", flat=True)
    found = [keys.tool(tool_id), keys.TOOLS]
    return found + [keys.category(pk) for pk in category_id]


@receiver(pre_save, sender=Review)
def remember_reviewed_tool(sender, instance: Review, **kwargs) -> None:
    """A review moved to another tool leaves the first tool's pages stale too."""
    instance._tool_before = (
        Review.objects.filter(pk=instance.pk).values_list("tool_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver([post_save, post_delete], sender=Review)
def review_changed(sender, instance: Review, **kwargs) -> None:
    tools = {instance.tool_id, getattr(instance, "_tool_before", None)} - {None}
    purge([key for tool_id in tools for key in _tool_keys(tool_id)])


@receiver([post_save, post_delete], sender=Reviewer)
def reviewer_changed(sender, instance: Reviewer, **kwargs) -> None:
    purge([keys.PANEL])


@receiver([post_save, post_delete], sender=MethodChange)
def method_changed(sender, instance: MethodChange, **kwargs) -> None:
    purge([keys.METHOD])
