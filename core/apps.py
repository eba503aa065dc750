from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """The base every other app builds on: the page cache, CSRF, rate limits, middleware."""

    name = "core"

    def ready(self) -> None:
        from core import checks, csrf  # noqa: F401  (register their system checks)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with a second factor for staff and rate-limited sign-ins."""

    default = False  # named in INSTALLED_APPS instead of django.contrib.admin
    default_site = "core.admin_site.ShiplistAdminSite"
