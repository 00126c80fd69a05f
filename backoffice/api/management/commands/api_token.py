"""Make a personal API token for a person, from the command line (for
operators and scripts; people make their own on their account page).

    manage.py api_token maya --name "Nightly sync" --days 90

Prints the token on stdout, once; it is stored hashed."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backoffice.api.services import api_token_create


class Command(BaseCommand):
    help = "Make a personal API token for a person and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--days", type=int, default=None,
                            help="Days until it expires (default: never).")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the username {username!r}.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            _, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
