from django.apps import AppConfig


class ComparesiteConfig(AppConfig):
    name = "comparesite"

    def ready(self) -> None:
        from comparesite import (
            checks,  # noqa: F401  (registers the deploy checks)
            csrf_tokens,
        )

        csrf_tokens.install()
