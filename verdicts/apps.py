from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "verdicts"

    def ready(self) -> None:
        from verdicts import signals  # noqa: F401  (connects the cache purges)
