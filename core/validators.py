"""Slug rules shared by every model with a public URL."""

from django.core.validators import RegexValidator
from django.db.models import Q

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_HELP = "Lowercase letters, digits and single hyphens, e.g. code-llama-4."

slug_validator = RegexValidator(SLUG_PATTERN, "Use lowercase letters, digits and single hyphens.")
# A tool's slug sits in compare addresses (`a-vs-b`), so it may not contain the separator.
no_vs_validator = RegexValidator(
    r"-vs-",
    "A tool's slug may not contain '-vs-' (it separates tools in compare addresses).",
    inverse_match=True,
)


def slug_is_clean(field: str = "slug") -> Q:
    """The database-side twin of slug_validator, for a CheckConstraint."""
    return Q(**{f"{field}__regex": SLUG_PATTERN})
