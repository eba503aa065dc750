"""Who is editing what: presence on admin change forms, and the saves refused for a clash.

Generic (any model, by content type) so that every app's admin can use them; the admin's
"Today" page counts the refused saves.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class PresenceQuerySet(models.QuerySet):
    def on(self, obj) -> PresenceQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    def current(self) -> PresenceQuerySet:
        seconds = settings.EDITOR_PRESENCE_SECONDS
        return self.filter(seen_at__gte=timezone.now() - timedelta(seconds=seconds))


class Presence(models.Model):
    """An editor has an object's change form open (refreshed while the page stays open)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    opened_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="one_presence_per_editor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} has {self.content_type} {self.object_id} open"

    @classmethod
    def here(cls, user, obj) -> list[Presence]:
        """Mark `user` as having `obj` open now; return the others who have it open. Two
        queries: the object's rows (a handful), then this editor's insert or update."""
        now = timezone.now()
        since = now - timedelta(seconds=settings.EDITOR_PRESENCE_SECONDS)
        rows = list(cls.objects.on(obj).select_related("user").order_by("opened_at"))
        mine = next((row for row in rows if row.user_id == user.pk), None)
        if mine is None:
            cls.objects.create(
                user=user,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                opened_at=now,
                seen_at=now,
            )
        else:
            opened = mine.opened_at if mine.seen_at >= since else now
            cls.objects.filter(pk=mine.pk).update(opened_at=opened, seen_at=now)
        return [row for row in rows if row.user_id != user.pk and row.seen_at >= since]

    @classmethod
    def left(cls, user, obj) -> None:
        cls.objects.on(obj).filter(user=user).delete()


class RefusedSave(models.Model):
    """A save refused because someone else had changed the object since the form was opened."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    fields = models.CharField(
        max_length=500, blank=True, help_text="The fields someone else had changed."
    )
    clashes = models.CharField(
        max_length=500, blank=True, help_text="The fields both editors changed."
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.object_repr} ({self.at:%d %b %H:%M})"
