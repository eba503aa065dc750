"""The CSP header is built once but stays exactly what django-csp would send."""

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import CachedPolicyCSPMiddleware

pytestmark = pytest.mark.django_db


def through_middleware(view, path="/"):
    middleware = CachedPolicyCSPMiddleware(view)
    return middleware(RequestFactory().get(path))


def test_pages_carry_the_policy_django_csp_builds(client, reference_pair):
    response = client.get("/compare/code-llama-4-vs-mistral-3b/")
    assert response["Content-Security-Policy"] == build_policy()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header():
    policy = {"DIRECTIVES": {"default-src": [NONE], "img-src": [SELF]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        header = through_middleware(lambda request: HttpResponse("ok"))["Content-Security-Policy"]
        assert header == build_policy()
    assert "default-src 'none'" in header
    assert "img-src 'self'" in header


def test_a_view_that_updates_its_policy_still_gets_its_own_header():
    @csp_update({"img-src": ["https://images.example"]})
    def view(request):
        return HttpResponse("ok")

    header = through_middleware(view)["Content-Security-Policy"]
    assert "https://images.example" in header
    assert header != build_policy()


def test_a_nonce_asked_for_during_the_view_goes_into_the_header():
    def view(request):
        return HttpResponse(str(request.csp_nonce))

    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = through_middleware(view)
    assert f"'nonce-{response.content.decode()}'" in response["Content-Security-Policy"]
