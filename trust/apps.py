from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "trust"
    verbose_name = "Facts and corrections"

    def ready(self) -> None:
        from trust import signals  # noqa: F401  (connects the cache purges)
