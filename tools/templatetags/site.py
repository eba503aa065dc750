"""Template helpers shared by every app: compare links and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import mark_safe

from tools.compare import canonical_pair

register = template.Library()

# The characters that could end a <script> element or start a comment inside it.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: object) -> str:
    """Serialise structured data for a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)


@register.simple_tag
def compare_url(*tools) -> str:
    """The canonical URL of the comparison of these tools, whatever order they come in."""
    return reverse("tools:compare", args=[canonical_pair([tool.slug for tool in tools])])


@register.filter
def compare_href(tools) -> str:
    """`{{ group|compare_href }}`: compare_url for a list of tools."""
    return compare_url(*tools)


@register.filter
def pair_with(first, second) -> list:
    """`{{ a|pair_with:b }}`: the two as a group, for templates that take one."""
    return [first, second]
