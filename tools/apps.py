from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "tools"

    def ready(self) -> None:
        from tools import signals  # noqa: F401  (connects the cache purges)
