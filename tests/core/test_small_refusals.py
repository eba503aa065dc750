"""Small things from issue 17: the sitemap and the feed take no POST, the static manifest is
not public. (The production start-up refusal without SITE_URL is in test_settings.py.)"""

import pytest
from django.templatetags.static import static
from django.test import Client, override_settings

from core.storage import manifest_root

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.MinifiedManifestStorage"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sitemap.xml", "/feeds/verdicts/"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_the_sitemap_and_the_feed_refuse_other_methods(reference_pair, path, method):
    client = Client()
    assert client.get(path).status_code == 200
    response = client.generic(method, path, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}


@pytest.fixture
def collected(collected_static_root):
    """The production configuration's static files (collected once for the whole run)."""
    with override_settings(
        STATIC_ROOT=collected_static_root,
        STORAGES=MANIFEST_STORAGE,
        DEBUG=False,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        yield collected_static_root


@pytest.mark.django_db
def test_the_static_manifest_is_not_served(collected):
    assert (manifest_root() / "staticfiles.json").is_file()
    assert not (collected / "staticfiles.json").exists()
    client = Client()  # a new client loads the middleware with the settings above
    assert client.get(static("css/site.css")).status_code == 200
    for path in ("/static/staticfiles.json", "/static/staticfiles.json?x=1"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 404
        assert b'"paths"' not in response.content
