"""`manage.py enrolment_link USERNAME`: the one-time link with which a staff member sets up their
second factor (core/admin_site.py `enrolment_link`). Hand it over out of band (in person, by
phone, on a channel you trust): whoever opens it signed in as that user sees the key."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.admin_site import enrolment_link


class Command(BaseCommand):
    help = "Print a one-time link for a staff member to set up their second factor."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or not user.is_staff:
            raise CommandError(f"No active staff account is called {username!r}.")
        self.stdout.write(enrolment_link(user))
        self.stderr.write(
            "It works once, for this user signed in, and replaces any earlier link. "
            "Hand it over by a way other than this site."
        )
