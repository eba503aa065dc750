"""Tools as rows of a CSV or JSON file (django-import-export), found by slug.

The columns are `ToolResource.Meta.fields`: the one list to extend when Tool gains a field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export.fields import Field

from core.resources import CatalogueResource, SlugWidget
from tools.compare import SEPARATOR
from tools.models import Category, Tool


def slug_without_separator(slug: str) -> None:
    if SEPARATOR in (slug or ""):
        raise ValidationError(f"A tool's slug may not contain '{SEPARATOR}' (compare URLs).")


class ToolResource(CatalogueResource):
    category = Field(attribute="category", column_name="category", widget=SlugWidget(Category))

    field_checks = {"slug": [slug_without_separator]}

    class Meta(CatalogueResource.Meta):
        model = Tool
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name",
            "maker",
            "category",
            "tagline",
            "description",
            "website",
            "pricing_model",
            "entry_price",
            "pricing_details",
            "licence",
            "release_date",
            "status",
            "published_at",
            "updated_at",
        )
        export_order = fields

    def get_queryset(self):
        return Tool.objects.select_related("category").order_by("slug")
