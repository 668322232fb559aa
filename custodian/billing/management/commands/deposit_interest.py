"""Credit interest on deposits: `manage.py deposit_interest [--through YYYY-MM-DD]`. Each deposit held (or
returned with days not yet counted) is credited the interest Minn. Stat. § 325E.02 gives it up to that day
(default: December 31 of last year, the yearly credit), once: a re-run credits nothing twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.billing.deposits import deposit_interest_credit
from custodian.plurals import counted


class Command(BaseCommand):
    help = "Credit the interest deposits have earned (Minn. Stat. § 325E.02) up to a day, once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--through", help="the last day to count, YYYY-MM-DD (default: December 31 of last year)"
        )

    def handle(self, *args, through=None, **options):
        today = timezone.localdate()
        try:
            day = date.fromisoformat(through) if through else date(today.year - 1, 12, 31)
        except ValueError:
            raise CommandError(f"--through {through!r} is not a date written YYYY-MM-DD") from None
        if day >= today:
            raise CommandError("--through is today or later: interest is credited for days already past")
        credited = deposit_interest_credit(through=day, on=today)
        self.stdout.write(f"interest credited on {counted(credited, 'deposit')} through {day.isoformat()}")
