"""Signed links in newsletter emails: confirm (expires) and unsubscribe (never expires).

Each kind has its own salt, so a link of one kind can never be replayed as the other. The
token carries only the subscriber's id; the signature is what makes it unguessable.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from newsletter.models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)


class LinkExpired(Exception):
    """The link was genuine but is too old to use."""

    def __init__(self, subscriber_id: int) -> None:
        super().__init__(subscriber_id)
        self.subscriber_id = subscriber_id


class LinkInvalid(Exception):
    """The link was not made by us (tampered with, truncated, or for another purpose)."""


def confirm_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscriber.pk))


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscriber.pk))


def subscriber_id_from_confirm(token: str) -> int:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        # Genuine but old: say which subscriber, so a confirmed one is told they are fine.
        raise LinkExpired(_as_id(signer.unsign(token))) from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    return _as_id(value)


def subscriber_id_from_unsubscribe(token: str) -> int:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    return _as_id(value)


def _as_id(value: str) -> int:
    if not value.isdigit():
        raise LinkInvalid
    return int(value)


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[confirm_token(subscriber)]))


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscriber)]))
