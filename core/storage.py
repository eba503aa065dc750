"""Static files as production serves them: minified CSS, hashed names, gzip and brotli copies."""

from __future__ import annotations

from pathlib import Path

import rcssmin
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def manifest_root() -> Path:
    """Where collectstatic writes the manifest of hashed names (staticfiles.json): beside
    STATIC_ROOT, not in it, because whitenoise serves every file in STATIC_ROOT and no page needs
    the manifest (it lists every file the site is built from)."""
    root = Path(settings.STATIC_ROOT)
    return root.with_name(root.name + "-manifest")


class MinifiedManifestStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, with the project's own stylesheets minified before they are hashed.

    The source CSS keeps its comments and layout for people; visitors get it without them
    (the CSS budget in DESIGN.md applies to what is served). Packages' CSS (the admin's) is
    left as shipped.
    """

    OWN_CSS_PREFIX = "css/"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("manifest_storage", FileSystemStorage(location=manifest_root()))
        super().__init__(*args, **kwargs)

    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            for name in paths:
                if name.startswith(self.OWN_CSS_PREFIX) and name.endswith(".css"):
                    with self.open(name) as source:
                        text = source.read().decode()
                    path = self.path(name)
                    with open(path, "w", encoding="utf-8") as target:
                        target.write(rcssmin.cssmin(text))
                    # Hash and compress the minified copy, not the source file.
                    paths[name] = (self, name)
        yield from super().post_process(paths, dry_run, **options)
