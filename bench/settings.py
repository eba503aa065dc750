"""The site's settings, plus the bench's TechEmpower fortunes page (bench/urls.py).

`make bench` starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings: the same middleware,
database, cache and templates as the site, one more URL and one more template folder.
"""

from comparesite.settings import *  # noqa: F403
from comparesite.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
