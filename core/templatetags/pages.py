"""`{% slot "app/template.html#partial" name=value ... %}`: a per-visitor part of a cached page.

The named template is rendered with the given values (plain data: the page keeps them),
`request`, and `signed_in` (the request has a session, so may be an editor's: test it before
asking `request.user`, which costs a session read); while a cached page is built it also gets
`anonymous=True` (and `signed_in=False`), and must then render what a reader with nothing of
their own sees. See core/pages.py.
"""

from django import template

from core import pages

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, template_name: str, **data):
    return pages.slot(context, template_name, data)
