from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The base every other app builds on: the page cache, CSRF, rate limits, middleware."""

    name = "core"
    verbose_name = "Editors' work"

    def ready(self) -> None:
        from core import checks, csrf  # noqa: F401  (register their system checks)
        from core.roles import apply_roles_after_migrate

        post_migrate.connect(apply_roles_after_migrate, dispatch_uid="core.roles")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with a second factor for staff and rate-limited sign-ins."""

    default = False  # named in INSTALLED_APPS instead of django.contrib.admin
    default_site = "core.admin_site.ShiplistAdminSite"
