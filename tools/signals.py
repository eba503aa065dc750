"""What a change to a tool or a category makes stale, however it was written.

Model signals, so that the admin, `loaddata`, an import, a management command and a plain
`save()` in the shell all purge the same pages (core/purge.py does it once the write commits).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from core import keys
from core.purge import purge
from tools.models import Category, Tool


@receiver(pre_save, sender=Tool)
def remember_tool_category(sender, instance: Tool, raw: bool = False, **kwargs) -> None:
    """A tool moving to another category leaves the old one's pages stale too."""
    instance._category_before = (
        Tool.objects.filter(pk=instance.pk).values_list("category_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver([post_save, post_delete], sender=Tool)
def tool_changed(sender, instance: Tool, **kwargs) -> None:
    categories = {instance.category_id, getattr(instance, "_category_before", None)} - {None}
    purge([keys.tool(instance.pk), keys.TOOLS, *(keys.category(pk) for pk in categories)])


@receiver([post_save, post_delete], sender=Category)
def category_changed(sender, instance: Category, **kwargs) -> None:
    purge([keys.category(instance.pk), keys.TOOLS])
