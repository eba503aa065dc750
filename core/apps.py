from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The base every other app builds on: the page cache, CSRF, rate limits, middleware."""

    name = "core"

    def ready(self) -> None:
        from core import checks, csrf  # noqa: F401  (register their system checks)
        from core.roles import apply_roles_after_migrate

        post_migrate.connect(apply_roles_after_migrate, dispatch_uid="core.roles")
