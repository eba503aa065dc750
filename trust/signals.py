"""What a change to a fact check or a correction makes stale, however it was written (see
tools/signals.py for why these are signals)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core import keys
from core.purge import purge
from trust.models import Correction, FactCheck


def _row_before(sender, instance, fields: list[str]) -> dict:
    if instance.pk is None:
        return {}
    return sender.objects.filter(pk=instance.pk).values(*fields).first() or {}


@receiver(pre_save, sender=FactCheck)
def remember_checked_tool(sender, instance: FactCheck, **kwargs) -> None:
    """A check moved to another tool leaves the first tool's pages stale too."""
    instance._before = _row_before(sender, instance, ["tool_id"])


@receiver(pre_save, sender=Correction)
def remember_correction(sender, instance: Correction, **kwargs) -> None:
    """A correction that was public and no longer is leaves its page stale too."""
    instance._before = _row_before(sender, instance, ["tool_id", "status"])


@receiver([post_save, post_delete], sender=FactCheck)
def fact_check_changed(sender, instance: FactCheck, **kwargs) -> None:
    tools = {instance.tool_id, getattr(instance, "_before", {}).get("tool_id")} - {None}
    purge([keys.tool(tool_id) for tool_id in tools])


@receiver([post_save, post_delete], sender=Correction)
def correction_changed(sender, instance: Correction, **kwargs) -> None:
    """Only accepted corrections are public: a new report purges nothing (a reader's POST must
    not be able to empty the cache)."""
    before = getattr(instance, "_before", {})
    accepted = Correction.Status.ACCEPTED
    if instance.status != accepted and before.get("status") != accepted:
        return
    tools = {instance.tool_id, before.get("tool_id")} - {None}
    purge([keys.tool(tool_id) for tool_id in tools])
