"""`{% shared "name" %}...{% endshared %}`: a part of a public page that is the same for every
reader, taken from the cache when a personal visitor's page is rendered (core/pages.py).

It is kept in this process's tier of the page cache under the stored anonymous page's ETag
(`shared_as` in the context), so it is valid exactly as long as that page: a bump of anything
the page shows changes the ETag. Without `shared_as` (anonymous renders, previews, a visitor who
has just voted) it renders as written.
Nothing personal may be inside: the personal parts (the visitor's buttons and counts) go outside
it, as ordinary template code, and their tags refuse to render inside one
(`refuse_inside_shared`), so a template that puts them there fails in every test that shows it.
"""

from django import template

from core.pages import PAGE_TIMEOUT, local

register = template.Library()


INSIDE = "inside_shared"  # set while a shared part renders: personal tags refuse to


class SharedNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist) -> None:
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context) -> str:
        shared_as = context.get("shared_as")
        with context.push({INSIDE: True}):
            if not shared_as:
                return self.nodelist.render(context)
            parts = [self.name, *(str(value.resolve(context)) for value in self.vary_on)]
            key = f"shared:{shared_as}:{context.get('here', '')}:{':'.join(parts)}"
            html = local().get(key)
            if html is None:
                html = self.nodelist.render(context)
                local().set(key, html, PAGE_TIMEOUT)
            return html


@register.tag
def shared(parser, token):
    """`{% shared "name" value ... %}`: the values (e.g. a tool's slug, in a loop) tell apart
    the parts one name covers."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError(
            'Usage: {% shared "name" [value ...] %}...{% endshared %}'
        )
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return SharedNode(bits[1][1:-1], vary_on, nodelist)


def refuse_inside_shared(context, tag: str) -> None:
    """Personal tags call this: inside a shared part they would be kept for every reader."""
    if context.get(INSIDE):
        raise template.TemplateSyntaxError(f"{{% {tag} %}} is personal: not inside {{% shared %}}")
