"""Send this ISO week's digest to every confirmed subscriber, once.

Safe to run as often as you like (a cron job every hour on Mondays, say): a finished week sends
nothing, and an interrupted one picks up where it stopped without sending anyone a second copy.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter import digest as digest_content
from newsletter.emails import UNSUBSCRIBE_PLACEHOLDER
from newsletter.models import Digest, DigestDelivery, Subscriber, iso_week_label
from newsletter.services import DigestInterrupted, prepare_digest, recipients, send_digest

EXAMPLE_UNSUBSCRIBE = "<the recipient's own unsubscribe link>"


class Command(BaseCommand):
    help = "Send this week's verdicts digest to confirmed subscribers (once per ISO week)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the digest and how many would get it; send and store nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        now = timezone.now()
        if dry_run:
            self.preview(now)
            return
        digest = prepare_digest(now=now)
        if digest is None:
            self.stdout.write("No verdict was published or changed this week: nothing sent.")
            return
        try:
            run = send_digest(digest=digest)
        except DigestInterrupted as stop:
            raise CommandError(
                f"{digest}: stopped after {stop.run.sent} sent ({stop.__cause__!r}). "
                "Run the command again to send the rest; nobody gets a second copy."
            ) from stop
        if not run.sent and not run.refused:
            delivered = DigestDelivery.objects.filter(digest=digest).count()
            self.stdout.write(f"{digest}: nothing to send; {delivered} already delivered.")
            return
        refused = f", {run.refused} refused by the mail server" if run.refused else ""
        self.stdout.write(self.style.SUCCESS(f"{digest}: sent {run.sent}{refused}."))

    def preview(self, now) -> None:
        week = digest_content.week_of(now)
        existing = Digest.objects.filter(week=week).first()
        if existing is not None:
            self.print_digest(existing.subject, existing.text_body)
            delivered = DigestDelivery.objects.filter(digest=existing).count()
            remaining = recipients(existing).count()
            self.stdout.write(
                f"Dry run: {existing} is stored; {delivered} delivered, {remaining} still to "
                "send. Nothing sent."
            )
            return
        start, end = digest_content.digest_period(now)
        content = digest_content.build_content(start=start, end=end)
        if content is None:
            self.stdout.write(
                f"No verdict was published or changed since {start:%Y-%m-%d %H:%M}: a real run "
                "would send nothing this week."
            )
            start, end = digest_content.latest_period(end)
            content = digest_content.build_content(start=start, end=end)
            if content is None:
                return
            self.stdout.write(f"Here is a preview built from the week up to {end:%Y-%m-%d}:\n")
        subject, text, _ = digest_content.render(content, week)
        self.print_digest(subject, text)
        confirmed = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count()
        self.stdout.write(
            f"Dry run: {iso_week_label(week)} would go to {confirmed} confirmed "
            f"subscriber{'s' if confirmed != 1 else ''}. Nothing sent."
        )

    def print_digest(self, subject: str, text: str) -> None:
        self.stdout.write(f"Subject: {subject}\n")
        self.stdout.write(text.replace(UNSUBSCRIBE_PLACEHOLDER, EXAMPLE_UNSUBSCRIBE))
