from __future__ import annotations

import csv

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.resources import spreadsheet_safe
from newsletter.models import Digest, DigestDelivery, Subscriber

CSV_COLUMNS = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses arrive only through the confirmed sign-up; editors look, export and remove."""

    list_display = ("email", "status", "created_at", "confirmed_at", "unsubscribed_at")
    list_filter = ("status", "created_at", "confirmed_at")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "email",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    actions = ["export_csv", "mark_unsubscribed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # consent comes from the subscriber's own confirmation, not from us

    def has_export_permission(self, request: HttpRequest) -> bool:
        """Addresses leave the site only with the Newsletter role's own permission."""
        return request.user.has_perm("newsletter.export_subscribers")

    @admin.action(description="Export selected subscribers as CSV", permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> HttpResponse:
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in queryset.order_by("email").values_list(*CSV_COLUMNS).iterator():
            writer.writerow(
                [
                    spreadsheet_safe(value.isoformat() if hasattr(value, "isoformat") else value)
                    for value in row
                ]
            )
        return response

    @admin.action(description="Unsubscribe selected subscribers", permissions=["change"])
    def mark_unsubscribed(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        changed = queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
        self.message_user(request, f"Unsubscribed {changed} subscriber(s).")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """A record of what went out: read-only, and never deleted (it is what stops a resend)."""

    list_display = (
        "week_label",
        "subject",
        "sent_count",
        "refused_count",
        "created_at",
        "completed_at",
    )
    date_hierarchy = "week"
    fields = (
        "week",
        "period_start",
        "period_end",
        "subject",
        "created_at",
        "completed_at",
        "sent_count",
        "refused_count",
        "text_body",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Digest]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=Count("deliveries", filter=Q(deliveries__status=DigestDelivery.Status.SENT)),
                refused=Count(
                    "deliveries", filter=Q(deliveries__status=DigestDelivery.Status.REFUSED)
                ),
            )
        )

    @admin.display(description="week", ordering="week")
    def week_label(self, digest: Digest) -> str:
        return digest.week_label

    @admin.display(description="sent", ordering="sent")
    def sent_count(self, digest: Digest) -> int:
        return digest.sent

    @admin.display(description="refused", ordering="refused")
    def refused_count(self, digest: Digest) -> int:
        return digest.refused

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
