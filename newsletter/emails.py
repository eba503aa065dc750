"""The newsletter's emails: HTML and plain text, each with one-click unsubscribe headers."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape

from newsletter import tokens
from newsletter.models import Digest, Subscriber

SITE_NAME = "Shiplist"
# Where each recipient's own unsubscribe link goes in a stored digest body.
UNSUBSCRIBE_PLACEHOLDER = "__newsletter_unsubscribe_url__"


def site_context() -> dict:
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
    }


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the URL."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def personalised(
    *, subject: str, text: str, html: str, subscriber: Subscriber
) -> EmailMultiAlternatives:
    """A message to one subscriber, their unsubscribe link filled in body and headers."""
    unsubscribe_url = tokens.unsubscribe_url(subscriber)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=unsubscribe_headers(unsubscribe_url),
    )
    message.attach_alternative(
        html.replace(UNSUBSCRIBE_PLACEHOLDER, escape(unsubscribe_url)), "text/html"
    )
    return message


def confirmation_message(subscriber: Subscriber) -> EmailMultiAlternatives:
    context = {
        **site_context(),
        "confirm_url": tokens.confirm_url(subscriber),
        "valid_days": tokens.CONFIRM_MAX_AGE.days,
    }
    return personalised(
        subject=f"Confirm your {SITE_NAME} weekly digest subscription",
        text=render_to_string("newsletter/email/confirm.txt", context),
        html=render_to_string("newsletter/email/confirm.html", context),
        subscriber=subscriber,
    )


def digest_message(digest: Digest, subscriber: Subscriber) -> EmailMultiAlternatives:
    return personalised(
        subject=digest.subject, text=digest.text_body, html=digest.html_body, subscriber=subscriber
    )
