"""`{% slot "app/template.html#partial" name=value ... %}`: a per-visitor part of a cached page.

The named template is rendered with the given values (plain data: the page keeps them) and
`request`; while a cached page is built it also gets `anonymous=True`, and must then render
what a reader without a session sees. See core/pages.py.
"""

from django import template

from core import pages

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, template_name: str, **data):
    return pages.slot(context, template_name, data)
