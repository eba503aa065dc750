"""The middleware a Django engineer expects: at most fourteen, at most four of the project's
own, libraries as shipped, and each own one with its reason beside it in settings.py."""

import inspect
import re
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

PROJECT_APPS = ("core", "tools", "verdicts", "votes", "trust", "modelspecs", "newsletter")
SETTINGS_TEXT = Path(settings.BASE_DIR, "comparesite", "settings.py").read_text()


def own(path: str) -> bool:
    return path.split(".")[0] in PROJECT_APPS


def test_at_most_fourteen_middleware_and_four_of_our_own():
    assert len(settings.MIDDLEWARE) <= 14, settings.MIDDLEWARE
    assert len(set(settings.MIDDLEWARE)) == len(settings.MIDDLEWARE)
    assert len([path for path in settings.MIDDLEWARE if own(path)]) <= 4


def test_libraries_are_used_as_shipped():
    """No subclass of a library's middleware hides among our own."""
    for path in settings.MIDDLEWARE:
        if own(path):
            middleware = import_string(path)
            bases = [base for base in inspect.getmro(middleware)[1:] if base is not object]
            foreign = [base for base in bases if not own(base.__module__)]
            allowed = path == "core.csrf.FetchMetadataCsrfMiddleware"  # Django's check, led
            assert not foreign or allowed, (path, foreign)


def test_each_of_our_own_says_why_in_settings():
    block = SETTINGS_TEXT[SETTINGS_TEXT.index("MIDDLEWARE = [") :]
    for path in settings.MIDDLEWARE:
        if own(path):
            reason = re.search(r"# Own: [^\n]+\n(?:\s*#[^\n]*\n)*\s*\"" + re.escape(path), block)
            assert reason, f"{path} has no '# Own: why' line above it"
