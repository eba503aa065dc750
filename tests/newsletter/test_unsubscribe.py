import pytest
from django.test import Client

from newsletter import tokens
from newsletter.models import Subscriber
from tests.newsletter.conftest import SubscriberFactory, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    return SubscriberFactory(email="ada@example.com")


def unsubscribe_path(subscriber) -> str:
    return f"/newsletter/unsubscribe/{tokens.unsubscribe_token(subscriber)}/"


def test_the_page_asks_first_and_a_get_changes_nothing(client, subscriber):
    response = client.get(unsubscribe_path(subscriber))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Unsubscribe from the weekly digest?" in content
    assert "ada@example.com" in content
    assert '<meta name="robots" content="noindex">' in content
    assert Subscriber.objects.get().status == "confirmed"


def test_the_button_unsubscribes_and_redirects_to_a_page_that_says_so(client, subscriber):
    path = unsubscribe_path(subscriber)
    response = client.post(path)
    assert response.status_code == 303
    assert response["Location"] == path
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert subscriber.unsubscribed_at is not None
    assert "You're unsubscribed" in client.get(path).content.decode()


def test_a_mail_clients_one_click_post_works_without_cookies_or_csrf_token(subscriber):
    # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" to the header's URL.
    mail_provider = Client(enforce_csrf_checks=True)
    response = mail_provider.post(
        unsubscribe_path(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscriber.objects.get().status == "unsubscribed"


def test_unsubscribing_twice_is_harmless(client, subscriber):
    client.post(unsubscribe_path(subscriber))
    first = Subscriber.objects.get().unsubscribed_at
    assert client.post(unsubscribe_path(subscriber)).status_code == 303
    assert Subscriber.objects.get().unsubscribed_at == first


def test_the_link_in_the_confirmation_email_unsubscribes_a_pending_address(client, mailoutbox):
    client.post("/newsletter/subscribe/", {"email": "ada@example.com"})
    path = link_in(mailoutbox[0].body, "unsubscribe")
    assert client.post(path).status_code == 303
    assert Subscriber.objects.get().status == "unsubscribed"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "9999" + token[token.index(":") :],
        lambda token: "nonsense",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, subscriber, tamper):
    path = f"/newsletter/unsubscribe/{tamper(tokens.unsubscribe_token(subscriber))}/"
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400
    assert Subscriber.objects.get().status == "confirmed"


def test_a_confirmation_link_cannot_be_used_to_unsubscribe(client, subscriber):
    path = f"/newsletter/unsubscribe/{tokens.confirm_token(subscriber)}/"
    assert client.post(path).status_code == 400
    assert Subscriber.objects.get().status == "confirmed"


def test_the_link_of_an_erased_subscriber_says_there_is_nothing_to_do(client, subscriber):
    path = unsubscribe_path(subscriber)
    subscriber.delete()
    response = client.post(path)
    assert response.status_code == 200
    assert "no longer on our list" in response.content.decode()
