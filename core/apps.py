from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The base every other app builds on: the page cache, CSRF, rate limits, middleware."""

    name = "core"

    def ready(self) -> None:
        from core import checks, csrf  # noqa: F401  (register their system checks)
