from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "votes"

    def ready(self) -> None:
        from votes import signals  # noqa: F401  (connects the cache purges)
