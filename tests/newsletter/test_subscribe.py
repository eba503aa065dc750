import smtplib

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, override_settings

from newsletter.models import Subscriber
from newsletter.services import CONFIRMATION_COOLDOWN
from tests.newsletter.conftest import HTMX, SITE, SubscriberFactory, html_of, link_in

pytestmark = pytest.mark.django_db

URL = "/newsletter/subscribe/"


def test_it_stores_a_pending_subscriber_and_sends_one_confirmation_email(client, mailoutbox):
    client.post(URL, {"email": "ada@example.com"})
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "ada@example.com"
    assert subscriber.status == "pending"
    assert subscriber.confirmed_at is None
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Confirm your Shiplist weekly digest subscription"
    assert link_in(message.body, "confirm").startswith("/newsletter/confirm/")
    assert link_in(html_of(message), "confirm") == link_in(message.body, "confirm")


def test_the_confirmation_email_carries_one_click_unsubscribe_headers(client, mailoutbox):
    client.post(URL, {"email": "ada@example.com"})
    [message] = mailoutbox
    unsubscribe = link_in(message.body, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sent = message.message()
    assert sent["List-Unsubscribe"] == f"<{SITE}{unsubscribe}>"
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_redirects_without_js_to_a_page_saying_check_your_inbox(client):
    response = client.post(URL, {"email": "ada@example.com", "next": "/tools/code-llama-4/"})
    assert response.status_code == 303
    assert response["Location"] == "/newsletter/check-your-inbox/?next=%2Ftools%2Fcode-llama-4%2F"
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Check your inbox to confirm" in content
    assert 'href="/tools/code-llama-4/"' in content


def test_it_never_sends_the_reader_back_to_another_site(client):
    response = client.post(URL, {"email": "ada@example.com", "next": "https://evil.example/"})
    assert response["Location"] == "/newsletter/check-your-inbox/"
    page = client.get("/newsletter/check-your-inbox/?next=//evil.example/")
    assert "evil.example" not in page.content.decode()


def test_it_returns_the_box_to_htmx_swapped_in_place(client, mailoutbox):
    response = client.post(URL, {"email": "Ada@Example.com"}, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="newsletter-box"' in content and 'hx-swap-oob="true"' in content
    assert "Check your inbox to confirm" in content
    assert "ada@example.com" in content
    assert 'id="announcer"' in content and "Check your inbox" in content
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "email, message",
    [
        ("not-an-address", "doesn&#x27;t look like an email address"),
        ("ada@", "doesn&#x27;t look like an email address"),
        ("", "Enter your email address"),
        ("a" * 243 + "@example.com", "at most 254 characters"),  # 255 characters
    ],
)
def test_a_bad_address_gets_an_inline_message_and_nothing_is_stored(
    client, mailoutbox, email, message
):
    page = client.post(URL, {"email": email})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'aria-invalid="true"' in page.content.decode()
    fragment = client.post(URL, {"email": email}, **HTMX)
    assert fragment.status_code == 400
    assert message in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_the_longest_valid_address_is_accepted(client):
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "c" * 6
    assert len(email) == 254
    assert client.post(URL, {"email": email}).status_code == 303
    assert Subscriber.objects.get().email == email


def test_what_the_reader_types_is_escaped_when_shown_back(client):
    response = client.post(URL, {"email": '<script>alert("x")</script>'}, **HTMX)
    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_mixed_case_and_repeated_addresses_make_one_subscriber_and_one_email(client, mailoutbox):
    first = client.post(URL, {"email": "Ada.Lovelace@Example.COM"}, **HTMX)
    again = client.post(URL, {"email": " ada.lovelace@example.com "}, **HTMX)
    assert Subscriber.objects.get().email == "ada.lovelace@example.com"
    assert len(mailoutbox) == 1  # the second came within the cooldown
    assert first.status_code == again.status_code == 200
    assert first.content == again.content


def test_the_answer_does_not_reveal_a_confirmed_address(client, mailoutbox):
    SubscriberFactory(email="known@example.com")
    known = client.post(URL, {"email": "Known@example.com", "next": "/"})
    unknown = client.post(URL, {"email": "unknown@example.com", "next": "/"})
    assert known.status_code == unknown.status_code == 303
    assert known["Location"] == unknown["Location"]
    known_box = client.post(URL, {"email": "known@example.com"}, **HTMX).content.decode()
    unknown_box = client.post(URL, {"email": "unknown@example.com"}, **HTMX).content.decode()
    assert known_box.replace("known@", "X@") == unknown_box.replace("unknown@", "X@")
    assert [message.to for message in mailoutbox] == [["unknown@example.com"]]
    assert Subscriber.objects.get(email="known@example.com").status == "confirmed"


def test_a_pending_address_gets_a_fresh_link_after_the_cooldown(client, mailoutbox):
    client.post(URL, {"email": "ada@example.com"})
    Subscriber.objects.update(
        confirmation_sent_at=Subscriber.objects.get().confirmation_sent_at - CONFIRMATION_COOLDOWN
    )
    client.post(URL, {"email": "ada@example.com"})
    assert len(mailoutbox) == 2
    assert Subscriber.objects.count() == 1


def test_an_unsubscribed_address_can_sign_up_again_and_must_confirm_again(client, mailoutbox):
    SubscriberFactory(email="back@example.com", status="unsubscribed")
    client.post(URL, {"email": "back@example.com"})
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "pending"
    assert [message.to for message in mailoutbox] == [["back@example.com"]]


def test_a_mail_server_failure_stores_nothing_and_says_so(client, monkeypatch, mailoutbox):
    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = client.post(URL, {"email": "ada@example.com"})
    assert response.status_code == 503
    assert "couldn&#x27;t send the confirmation email" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_it_rejects_get(client):
    assert client.get(URL).status_code == 405


def test_it_requires_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(URL, {"email": "ada@example.com"}).status_code == 403
    assert not Subscriber.objects.exists()
    browser.get("/newsletter/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(URL, {"email": "ada@example.com", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert Subscriber.objects.count() == 1


@override_settings(RATE_LIMITS={"subscribe": {"ip": "3/h", "visitor": "3/h"}})
def test_one_ip_address_is_rate_limited_with_a_clear_429(client, mailoutbox):
    statuses = [
        client.post(URL, {"email": f"reader{index}@example.com"}).status_code for index in range(3)
    ]
    assert statuses == [303, 303, 303]
    refused = client.post(URL, {"email": "one-more@example.com"}, **HTMX)
    assert refused.status_code == 429
    assert "try again later" in refused.content.decode()
    assert 'value="one-more@example.com"' in refused.content.decode()
    assert client.post(URL, {"email": "and-more@example.com"}).status_code == 429
    assert Subscriber.objects.count() == 3
    assert len(mailoutbox) == 3


def test_a_broken_rate_limit_store_refuses_and_stores_nothing(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    response = client.post(URL, {"email": "ada@example.com"})
    assert response.status_code == 503
    assert not Subscriber.objects.exists()


def test_the_database_keeps_one_row_per_address_whatever_the_case():
    SubscriberFactory(email="ada@example.com")
    for spelling in ["ada@example.com", "ADA@example.com", "Ada@Example.com"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Subscriber.objects.create(email=spelling)
