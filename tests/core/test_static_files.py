"""Static files: hashed names, gzip and brotli copies, served forever-cacheable by whitenoise."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.MinifiedManifestStorage"},
}


@pytest.fixture
def collected(tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES=MANIFEST, DEBUG=False, WHITENOISE_USE_FINDERS=False
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_css_is_hashed_and_compressed_and_small(collected):
    url = static("css/site.css")
    assert url.startswith("/static/css/site.") and url != "/static/css/site.css"
    name = collected / url.removeprefix("/static/")
    assert name.stat().st_size < 20 * 1024
    # Served minified: no comments, smaller than the source people edit.
    served = name.read_text()
    assert "/*" not in served
    assert len(served) < (settings.BASE_DIR / "static/css/site.css").stat().st_size * 0.95
    assert name.with_name(name.name + ".gz").exists()
    assert name.with_name(name.name + ".br").exists()
    htmx = collected / static("django_htmx/htmx-2.min.js").removeprefix("/static/")
    assert htmx.with_name(htmx.name + ".br").exists()


def test_whitenoise_serves_brotli_with_immutable_caching(collected):
    middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    request = RequestFactory().get(static("css/site.css"), HTTP_ACCEPT_ENCODING="gzip, br")
    response = middleware(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    assert "Accept-Encoding" in response["Vary"]
