"""Assess late payment charges: `manage.py late_fees [--as-of YYYY-MM-DD]`. Each current bill past its due
date on an account that still owes it gets the tariff's late payment charge once (a database constraint
makes a second impossible), so the daily run and any re-run do no harm."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.billing.services import late_fees_assess


class Command(BaseCommand):
    help = "Post the tariff's late payment charge on each bill past due and still owed (once per bill)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="the day to assess on, YYYY-MM-DD (default: today)")

    def handle(self, *args, as_of=None, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of {as_of!r} is not a date written YYYY-MM-DD") from None
        if day > timezone.localdate():
            raise CommandError("--as-of is in the future: a late fee is charged only once a bill is late")
        posted = late_fees_assess(as_of=day)
        self.stdout.write(f"{posted} late payment charges posted as of {day.isoformat()}")
