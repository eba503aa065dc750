"""Reviews as rows of a CSV or JSON file (django-import-export), found by (tool slug, critic
slug).

The columns are `ReviewResource.Meta.fields`: the one list to extend when Review gains a field.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from import_export.fields import Field

from core.resources import CatalogueResource, SlugWidget
from verdicts.models import Review, Reviewer

# verdicts sits below tools (tests/test_layering.py): the tool model is reached, not imported.
Tool = Review._meta.get_field("tool").related_model


class ReviewResource(CatalogueResource):
    tool = Field(attribute="tool", column_name="tool", widget=SlugWidget(Tool))
    reviewer = Field(attribute="reviewer", column_name="reviewer", widget=SlugWidget(Reviewer))

    # Why a published verdict flips or its score moves a lot in this row: needed then, as in
    # the admin, and shown to readers in the verdict history. Exported empty.
    reason = Field(attribute=None, column_name="reason", readonly=True)

    field_checks = {"score": [MinValueValidator(0), MaxValueValidator(100)]}

    class Meta(CatalogueResource.Meta):
        model = Review
        import_id_fields = ("tool", "reviewer")
        fields = (
            *("tool", "reviewer", "score", "verdict", "body", "status", "published_at"),
            *("updated_at", "reason"),
        )
        export_order = fields

    def get_queryset(self):
        return Review.objects.select_related("tool", "reviewer").order_by(
            "tool__slug", "reviewer__order", "reviewer__slug"
        )

    def dehydrate_reason(self, review: Review) -> str:
        return ""

    def check_row(self, instance: Review, row) -> dict[str, list[str]]:
        reason = str(row.get("reason") or "").strip()
        instance._change_reason = reason
        before = instance.public_change()
        if before is None or reason:
            return {}
        return {
            "verdict": [
                f"This changes a published verdict ({before['score']} {before['verdict']} → "
                f"{instance.score} {instance.verdict}): say why in a “reason” column on this row "
                "(readers see it)."
            ]
        }
