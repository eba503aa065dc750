"""Static files as production serves them: minified CSS, hashed names, gzip and brotli copies."""

from __future__ import annotations

import rcssmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedManifestStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, with the project's own stylesheets minified before they are hashed.

    The source CSS keeps its comments and layout for people; visitors get it without them
    (the CSS budget in DESIGN.md applies to what is served). Packages' CSS (the admin's) is
    left as shipped.
    """

    OWN_CSS_PREFIX = "css/"

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
