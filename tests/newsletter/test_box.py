import pytest
from django.test import Client

from tests.newsletter.conftest import HTMX

pytestmark = pytest.mark.django_db

PAGES = [
    "/compare/code-llama-4-vs-mistral-3b/",
    "/tools/code-llama-4/",
    "/categories/developer-tools/",
    "/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_with_the_box_has_a_working_form(reference_pair, path):
    content = Client().get(path).content.decode()
    assert content.count('id="newsletter-box"') == 1
    assert 'method="post" action="/newsletter/subscribe/"' in content
    assert 'hx-post="/newsletter/subscribe/"' in content
    assert '<label for="newsletter-email">Email address</label>' in content
    assert f'name="next" value="{path}"' in content
    assert "csrfmiddlewaretoken" not in content


def test_subscribing_changes_nothing_on_the_cached_page(reference_pair):
    path = PAGES[0]
    first, second = Client(), Client()
    first_page = first.get(path).content
    first.post("/newsletter/subscribe/", {"email": "ada@example.com"})
    again = first.get(path).content.decode()
    assert second.get(path).content == first_page
    # The box holds no per-visitor state: the "check your inbox" answer comes from the POST.
    box = again[again.index('id="newsletter-box"') :]
    assert "Weekly verdicts by email" in box
    assert "ada@example.com" not in again


def test_subscribing_from_a_page_works_with_csrf_enforced(reference_pair):
    browser = Client(enforce_csrf_checks=True)
    browser.get(PAGES[0])
    response = browser.post(
        "/newsletter/subscribe/",
        {"email": "ada@example.com", "next": PAGES[0]},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 303


def test_an_invalid_address_from_htmx_keeps_the_box_and_focuses_the_field(client):
    response = client.post("/newsletter/subscribe/", {"email": "nope"}, **HTMX)
    content = response.content.decode()
    assert 'id="newsletter-box"' in content and 'hx-swap-oob="true"' in content
    assert 'aria-describedby="newsletter-error"' in content and "autofocus" in content
    assert 'value="nope"' in content
    assert 'name="next" value="/tools/code-llama-4/"' in content


def test_the_signup_page_stands_alone(client):
    response = client.get("/newsletter/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>The weekly verdicts digest</h1>" in content
    assert 'id="newsletter-box"' in content
