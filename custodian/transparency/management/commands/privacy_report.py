import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.transparency.report import privacy_report


class Command(BaseCommand):
    help = "The annual privacy report for a year, generated from the records (JSON; counts only)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="default: the year so far")

    def handle(self, *args, year, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"--year {year}: no records for that year")
        self.stdout.write(json.dumps(privacy_report(year=year), indent=2))
