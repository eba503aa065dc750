"""What a browser would send back from an admin form: every field as the page rendered it."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.data[self._select] = value

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option or "")
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += (
                data.removeprefix("\n") if not self.data[self._textarea] else data
            )


def form_data(response) -> dict[str, str]:
    """The fields of the admin change form in `response`, as submitting it unchanged sends."""
    html = response.content.decode()
    start = html.index("<form")
    start = (
        html.index("<form", html.index('id="content-main"'))
        if 'id="content-main"' in html
        else start
    )
    end = html.index("</form>", start)
    parser = _FormParser()
    parser.feed(html[start:end])
    parser.data.pop("csrfmiddlewaretoken", None)
    # Inline templates ("__prefix__" rows) are not sent by a browser as data that counts.
    return {key: value for key, value in parser.data.items() if "__prefix__" not in key}
