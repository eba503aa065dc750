from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class Subscriber(models.Model):
    """One address on the weekly digest list. Only `confirmed` subscribers receive digests."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    # Stored lower-cased (see services.normalise_email); the check constraint below makes the
    # unique index a case-insensitive one, whatever code writes the row.
    email = models.EmailField(max_length=254, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="subscriber_email_lowercase",
                violation_error_message="Email addresses are stored in lower case.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "confirmed", "unsubscribed"]),
                name="subscriber_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="subscriber_confirmed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "confirmed_at"])]
        permissions = [("export_subscribers", "Can export subscribers' addresses")]

    def __str__(self) -> str:
        return self.email


class Digest(models.Model):
    """The digest of one ISO week: built once, stored, then sent to each subscriber once.

    The bodies are stored with a placeholder where each recipient's unsubscribe link goes, so
    a run that resumes after a crash sends exactly what the first recipients received.
    """

    week = models.DateField(unique=True, help_text="The Monday of the ISO week.")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    subject = models.CharField(max_length=200)
    text_body = models.TextField()
    html_body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lt=F("period_end")), name="digest_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest {self.week_label}"

    @property
    def week_label(self) -> str:
        """'2026-W48'"""
        return iso_week_label(self.week)


def iso_week_label(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


class DigestDelivery(models.Model):
    """A subscriber's copy of a digest, written in the transaction that sends it."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        REFUSED = "refused", "Refused by the mail server"

    digest = models.ForeignKey(Digest, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "subscriber"], name="one_delivery_per_digest_and_subscriber"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["sent", "refused"]), name="delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest} to {self.subscriber}: {self.status}"
