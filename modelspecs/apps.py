from django.apps import AppConfig


class ModelSpecsConfig(AppConfig):
    name = "modelspecs"
    verbose_name = "Model facts"

    def ready(self) -> None:
        from modelspecs import signals  # noqa: F401  (connects the cache purges)
