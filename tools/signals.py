"""What a change to a tool or a category makes stale, however it was written.

Model signals, so that the admin, `loaddata`, an import, a management command and a plain
`save()` in the shell all purge the same pages (core/purge.py does it once the write commits).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from core import keys, pages
from core.cache import forget
from core.publishing import Status
from core.purge import purge
from modelspecs.models import ModelSpec
from tools.finding import VOCABULARY_KEY
from tools.models import Category, OldSlug, Tool
from tools.staging import bring_text_in_line, derived_pricing
from verdicts.models import Review

logger = logging.getLogger(__name__)


@receiver(pre_save, sender=Tool)
def remember_tool_before(sender, instance: Tool, raw: bool = False, **kwargs) -> None:
    """A tool moving to another category leaves the old one's pages stale too; a new slug
    keeps the old one answering with a redirect."""
    before = (
        Tool.objects.filter(pk=instance.pk).values_list("category_id", "slug").first()
        if instance.pk
        else None
    )
    instance._category_before, instance._slug_before = before or (None, None)


@receiver(post_save, sender=Tool)
def keep_old_slug(sender, instance: Tool, raw: bool = False, **kwargs) -> None:
    OldSlug.objects.filter(slug=instance.slug).delete()  # renamed back, or the slug reused
    old = getattr(instance, "_slug_before", None)
    if old and old != instance.slug:
        OldSlug.objects.update_or_create(slug=old, defaults={"tool": instance})


@receiver([post_save, post_delete], sender=Tool)
def tool_changed(sender, instance: Tool, **kwargs) -> None:
    categories = {instance.category_id, getattr(instance, "_category_before", None)} - {None}
    # Search's word list (tools/finding.py) is read again on the next near miss.
    purge([keys.tool(instance.pk), keys.TOOLS, *(keys.category(pk) for pk in categories)])
    forget(VOCABULARY_KEY)


@receiver([post_save, post_delete], sender=Tool)
@receiver([post_save, post_delete], sender=Review)
def schedule_changed(sender, **kwargs) -> None:
    """Keep the page cache's list of go-live times (core/pages.py): now, and once the write
    commits (as core/purge.py does, for the same reason)."""
    if transaction.get_connection().in_atomic_block:
        refresh_go_live()
    transaction.on_commit(refresh_go_live)


def refresh_go_live() -> None:
    """Publish times of scheduled tools and reviews, from an hour ago on (pages.set_go_live)."""
    since = timezone.now() - timedelta(seconds=pages.PAGE_TIMEOUT)
    times = [
        moment.timestamp()
        for model in (Tool, Review)
        for moment in model.objects.exclude(status=Status.DRAFT)
        .filter(published_at__gt=since)
        .values_list("published_at", flat=True)[:500]
    ]
    try:
        pages.set_go_live(times)
    except Exception:  # the cache is down: pages expire on their own (PAGE_TIMEOUT)
        logger.warning("could not record go-live times", exc_info=True)


@receiver([post_save, post_delete], sender=Category)
def category_changed(sender, instance: Category, **kwargs) -> None:
    purge([keys.category(instance.pk), keys.TOOLS])


@receiver(post_save, sender=ModelSpec)
def price_text_follows_the_figures(sender, instance: ModelSpec, raw: bool = False, **kwargs):
    """A priced model's entry price and pricing text are its figures in words, whoever changed
    the figures (an import, an approved catalogue change, a fixed correction, the shell): the
    tool is saved with the figures' reason and editor, so its history says why."""
    if raw:
        return
    derived = derived_pricing(instance)
    tool = Tool.objects.filter(pk=instance.tool_id).first()
    if derived is None or tool is None:
        return
    if any(getattr(tool, name) != value for name, value in derived.items()):
        reason = getattr(instance, "_change_reason", None) or "The model's figures changed"
        bring_text_in_line(tool, instance, reason, getattr(instance, "_history_user", None))
