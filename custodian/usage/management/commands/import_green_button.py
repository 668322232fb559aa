from django.core.management.base import BaseCommand, CommandError

from custodian.customers.models import Customer
from custodian.usage.intervals import parse_green_button, usage_import
from custodian.vault.models import Channel
from custodian.vault.services import Submission


class Command(BaseCommand):
    help = (
        "Import a Green Button file (ESPI XML or CSV) into a customer's interval readings, merged with those "
        "held. Reports every problem with its line; an incomplete file stores nothing. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--customer", type=int, required=True, help="the customer's id in Custodian")
        parser.add_argument("--source", default="meter data management system", help="who sent the file")

    def handle(self, *args, path, customer, source, **options):
        if not Customer.objects.filter(pk=customer).exists():
            raise CommandError(f"no customer {customer}")
        try:
            with open(path, "rb") as stream:
                result = parse_green_button(stream)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        summary = usage_import(
            customer_id=customer,
            result=result,
            submission=Submission(
                channel=Channel.FILE_IMPORT,
                notice_key="metering",
                recorded_by_label=source,
                note="Green Button file",  # not its path: paths often carry the customer's name
            ),
        )
        for problem in summary.problems:
            self.stderr.write(f"line {problem.line or '-'}: {problem.message}")
        if summary.refused:
            raise CommandError(summary.refused)
        self.stdout.write(
            f"{summary.readings_stored} readings stored in {summary.blocks_written} monthly blocks "
            f"({', '.join(summary.months)}); {len(summary.problems)} problems"
        )
