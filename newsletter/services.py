"""Writes of the newsletter: subscribe, confirm, unsubscribe, and sending a week's digest.

How a digest is sent exactly once per subscriber, even across crashes and parallel runs:

- The digest of an ISO week is built once and stored (`Digest.week` is unique), so a resumed
  run sends the same content as the interrupted one.
- Each recipient gets one transaction that locks their subscriber row, checks that no delivery
  of this digest exists, inserts the delivery row, sends, and commits. A crash or a send error
  before the commit rolls the row back, so the next run sends that email again; a parallel run
  waits on the lock and then finds the row. The only way to send twice is a crash between the
  mail server accepting the message and our COMMIT: a single round trip to the database.
- The alternative, a status column committed as "sending" before the send, trades that for the
  opposite failure (a subscriber silently missing a week) plus a recovery step for rows stuck in
  "sending". For a weekly newsletter a rare duplicate is the lesser harm, so we take the first.
- A recipient the mail server refuses outright is recorded as refused and not retried this
  week; any other error stops the run, which the next run resumes.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from newsletter import digest as digest_content
from newsletter.emails import confirmation_message, digest_message
from newsletter.models import Digest, DigestDelivery, Subscriber

logger = logging.getLogger(__name__)

# A second confirmation email to the same address within this time is not sent, so the form
# cannot be used to flood someone else's inbox from many IP addresses.
CONFIRMATION_COOLDOWN = datetime.timedelta(minutes=10)

PENDING = Subscriber.Status.PENDING
CONFIRMED = Subscriber.Status.CONFIRMED
UNSUBSCRIBED = Subscriber.Status.UNSUBSCRIBED


def normalise_email(email: str) -> str:
    """One spelling per mailbox: 'Ada@Example.COM ' and 'ada@example.com' are the same address."""
    return email.strip().lower()


def subscribe(*, email: str) -> None:
    """Put `email` on the list, pending, and send it a confirmation link.

    Returns nothing on purpose: callers answer the same whether the address was new, pending,
    confirmed or unsubscribed. A confirmed address gets no email; a pending one gets a new link
    unless one went out within CONFIRMATION_COOLDOWN. The email is sent inside the transaction,
    so if the mail server fails nothing is stored and the cooldown is not used up.
    """
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        # The row lock makes two simultaneous sign-ups of one address send one email.
        subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email)
        if subscriber.status == CONFIRMED:
            return
        sent_at = subscriber.confirmation_sent_at
        if subscriber.status == PENDING and sent_at and now - sent_at < CONFIRMATION_COOLDOWN:
            return
        subscriber.status = PENDING
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["status", "confirmation_sent_at"])
        confirmation_message(subscriber).send()


def confirm(*, subscriber_id: int) -> Subscriber | None:
    """Confirm a pending subscriber (idempotent). An unsubscribed one stays unsubscribed: an old
    confirmation link must not undo a later unsubscribe."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is not None and subscriber.status == PENDING:
            subscriber.status = CONFIRMED
            subscriber.confirmed_at = timezone.now()
            subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def unsubscribe(*, subscriber_id: int) -> Subscriber | None:
    """Take a subscriber off the list (idempotent). Waits for a digest being sent to them."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is not None and subscriber.status != UNSUBSCRIBED:
            subscriber.status = UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def prepare_digest(*, now: datetime.datetime) -> Digest | None:
    """This week's digest: the stored one, else built and stored now; None if nothing is new."""
    week = digest_content.week_of(now)
    existing = Digest.objects.filter(week=week).first()
    if existing is not None:
        return existing
    start, end = digest_content.digest_period(now)
    content = digest_content.build_content(start=start, end=end)
    if content is None:
        return None
    subject, text, html = digest_content.render(content, week)
    # A parallel run may have stored the week's digest meanwhile; then that copy is the one.
    digest, _ = Digest.objects.get_or_create(
        week=week,
        defaults={
            "period_start": start,
            "period_end": end,
            "subject": subject,
            "text_body": text,
            "html_body": html,
            "created_at": now,
        },
    )
    return digest


def recipients(digest: Digest) -> QuerySet[Subscriber]:
    """Who still has to get `digest`: subscribers confirmed when it was built, not yet served.

    Someone confirming later gets next week's digest; so a finished week stays finished.
    """
    delivered = DigestDelivery.objects.filter(digest=digest, subscriber=OuterRef("pk"))
    return Subscriber.objects.filter(status=CONFIRMED, confirmed_at__lte=digest.created_at).exclude(
        Exists(delivered)
    )


@dataclass
class DigestRun:
    sent: int = 0
    refused: int = 0


class DigestInterrupted(Exception):
    """Sending stopped on an error; what was sent is recorded and the next run resumes."""

    def __init__(self, run: DigestRun) -> None:
        super().__init__(f"stopped after {run.sent} sent")
        self.run = run


def send_message(message: EmailMessage) -> None:
    """The one place a digest email leaves (tests replace it to simulate a crash)."""
    message.send(fail_silently=False)


def deliver(*, digest: Digest, subscriber_id: int, connection) -> str | None:
    """Send `digest` to one subscriber and record it, in one transaction (see module docstring).

    Returns the delivery's status, or None if there was nothing to do: the subscriber has left
    or a parallel run got there first.
    """
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(pk=subscriber_id, status=CONFIRMED)
            .first()
        )
        if subscriber is None:
            return None
        if DigestDelivery.objects.filter(digest=digest, subscriber=subscriber).exists():
            return None
        delivery = DigestDelivery.objects.create(digest=digest, subscriber=subscriber)
        message = digest_message(digest, subscriber)
        message.connection = connection
        try:
            send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            logger.warning("digest %s refused for subscriber %s", digest.week_label, subscriber.pk)
            delivery.status = DigestDelivery.Status.REFUSED
            delivery.error = str(refused)[:500]
            delivery.save(update_fields=["status", "error"])
    return delivery.status


def pending_ids(digest: Digest, limit: int) -> list[int]:
    return list(recipients(digest).order_by("pk").values_list("pk", flat=True)[:limit])


def send_digest(*, digest: Digest, batch_size: int = 500) -> DigestRun:
    """Send `digest` to everyone who has not had it yet, over one mail connection."""
    run = DigestRun()
    mail = get_connection()
    try:
        with mail:
            previous: list[int] = []
            # Each pass removes its recipients from the query; the check is a guard, not a rule.
            while (batch := pending_ids(digest, batch_size)) and batch != previous:
                for subscriber_id in batch:
                    status = deliver(digest=digest, subscriber_id=subscriber_id, connection=mail)
                    if status == DigestDelivery.Status.SENT:
                        run.sent += 1
                    elif status == DigestDelivery.Status.REFUSED:
                        run.refused += 1
                previous = batch
    except Exception as error:
        logger.exception("digest %s interrupted", digest.week_label)
        raise DigestInterrupted(run) from error
    Digest.objects.filter(pk=digest.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    return run
