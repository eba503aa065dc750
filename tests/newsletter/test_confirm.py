import pytest
from django.core import signing

from newsletter import tokens
from newsletter.models import Subscriber
from tests.newsletter.conftest import SubscriberFactory, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    return SubscriberFactory(email="ada@example.com", status="pending", confirmed_at=None)


def confirm_path(subscriber) -> str:
    return f"/newsletter/confirm/{tokens.confirm_token(subscriber)}/"


def issued_days_ago(monkeypatch, days: int) -> None:
    """Make the next confirmation token look as if it was signed `days` ago."""
    real = signing.TimestampSigner.timestamp

    def earlier(self):
        return signing.b62_encode(signing.b62_decode(real(self)) - days * 24 * 60 * 60)

    monkeypatch.setattr(signing.TimestampSigner, "timestamp", earlier)


def test_the_emailed_link_confirms_after_one_click_on_the_page(client, mailoutbox):
    client.post("/newsletter/subscribe/", {"email": "Ada@Example.com"})
    path = link_in(mailoutbox[0].body, "confirm")

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm your subscription" in page.content.decode()
    assert "ada@example.com" in page.content.decode()
    assert Subscriber.objects.get().status == "pending"  # a GET (a mail scanner) changes nothing

    response = client.post(path)
    assert response.status_code == 303
    assert response["Location"] == path
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed"
    assert subscriber.confirmed_at is not None
    assert "You're subscribed" in client.get(path).content.decode()


def test_confirming_twice_is_harmless(client, pending):
    client.post(confirm_path(pending))
    first = Subscriber.objects.get().confirmed_at
    assert client.post(confirm_path(pending)).status_code == 303
    assert Subscriber.objects.get().confirmed_at == first


def test_an_expired_link_is_refused_with_a_way_to_start_again(client, pending, monkeypatch):
    issued_days_ago(monkeypatch, tokens.CONFIRM_MAX_AGE.days + 1)
    path = confirm_path(pending)
    monkeypatch.undo()
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        content = response.content.decode()
        assert "expired" in content
        assert 'action="/newsletter/subscribe/"' in content
    assert Subscriber.objects.get().status == "pending"


def test_a_link_just_inside_its_lifetime_still_works(client, pending, monkeypatch):
    issued_days_ago(monkeypatch, tokens.CONFIRM_MAX_AGE.days - 1)
    path = confirm_path(pending)
    monkeypatch.undo()
    assert client.post(path).status_code == 303
    assert Subscriber.objects.get().status == "confirmed"


def test_an_expired_link_of_a_confirmed_subscriber_says_they_are_in(client, monkeypatch):
    subscriber = SubscriberFactory()
    issued_days_ago(monkeypatch, 30)
    path = confirm_path(subscriber)
    monkeypatch.undo()
    response = client.get(path)
    assert response.status_code == 200
    assert "You're subscribed" in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "9999" + token[token.index(":") :],  # another subscriber's id
        lambda token: token.split(":")[0],  # signature cut off
        lambda token: "nonsense",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, pending, tamper):
    path = f"/newsletter/confirm/{tamper(tokens.confirm_token(pending))}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This link doesn&#x27;t work" in response.content.decode()
    assert Subscriber.objects.get().status == "pending"


def test_an_unsubscribe_link_cannot_be_used_to_confirm(client, pending):
    path = f"/newsletter/confirm/{tokens.unsubscribe_token(pending)}/"
    assert client.post(path).status_code == 400
    assert Subscriber.objects.get().status == "pending"


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(client, pending):
    path = confirm_path(pending)
    Subscriber.objects.update(status="unsubscribed")
    assert client.post(path).status_code == 303
    assert "This address has unsubscribed" in client.get(path).content.decode()
    assert Subscriber.objects.get().status == "unsubscribed"


def test_a_link_of_an_erased_subscriber_is_refused(client, pending):
    path = confirm_path(pending)
    pending.delete()
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


def test_the_confirmation_page_is_never_cached_nor_indexed(client, pending):
    response = client.get(confirm_path(pending))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in response.content.decode()
