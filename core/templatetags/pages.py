"""`{% shared "name" %}...{% endshared %}`: a part of a public page that is the same for every
reader, taken from the cache when a personal visitor's page is rendered (core/pages.py).

It is kept in this process's tier of the page cache under the stored anonymous page's ETag
(`shared_as` in the context), so it is valid exactly as long as that page: a bump of anything
the page shows changes the ETag. Without `shared_as` (anonymous renders, previews, a visitor who
has just voted) it renders as written.
Nothing personal may be inside: only the personal parts (the visitor's buttons and counts) go
outside it, as ordinary template code.
"""

from django import template

from core.pages import PAGE_TIMEOUT, local

register = template.Library()


class SharedNode(template.Node):
    def __init__(self, name: str, nodelist) -> None:
        self.name, self.nodelist = name, nodelist

    def render(self, context) -> str:
        shared_as = context.get("shared_as")
        if not shared_as:
            return self.nodelist.render(context)
        key = f"shared:{shared_as}:{context.get('here', '')}:{self.name}"
        html = local().get(key)
        if html is None:
            html = self.nodelist.render(context)
            local().set(key, html, PAGE_TIMEOUT)
        return html


@register.tag
def shared(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError('Usage: {% shared "name" %}...{% endshared %}')
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(bits[1][1:-1], nodelist)
