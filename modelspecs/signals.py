"""What a change to a model's facts makes stale (see tools/signals.py for why these are signals)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import keys
from core.cache import forget
from core.purge import purge
from modelspecs.costs import USES_CACHE_KEY
from modelspecs.models import ModelSpec, PickMethod, Use


@receiver([post_save, post_delete], sender=ModelSpec)
def model_spec_changed(sender, instance: ModelSpec, **kwargs) -> None:
    # The directory sorts, filters and shows model facts on its cards (keys.TOOLS).
    purge([keys.tool(instance.tool_id), keys.TOOLS])


@receiver([post_save, post_delete], sender=Use)
@receiver([post_save, post_delete], sender=PickMethod)
def method_changed(sender, **kwargs) -> None:
    """A use changed: every pick, calculator and the methodology page may read differently,
    and the kept list of uses is read again."""
    purge([keys.METHOD])
    forget(USES_CACHE_KEY)
