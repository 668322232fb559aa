from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from custodian.customers.models import Customer
from custodian.plurals import counted
from custodian.staff.commands import by_argument, command_staff
from custodian.usage.intervals import parse_green_button, usage_import
from custodian.vault.choices import Channel
from custodian.vault.gate import Denied, Held
from custodian.vault.services import Submission


class Command(BaseCommand):
    help = (
        "Import a Green Button file (ESPI XML or CSV) into a customer's interval readings, merged with those "
        "held (never over the utility's meter readings), for an open request of the customer's. Reports "
        "every problem with its line; an incomplete file stores nothing. Safe to re-run. Exits non-zero when "
        "any reading was not stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--customer", type=int, required=True, help="the customer's id in Custodian")
        parser.add_argument(
            "--request",
            type=int,
            required=True,
            help="the open request of the customer's, owned by the importer's service, the file is for",
        )
        parser.add_argument("--source", default="meter data management system", help="who sent the file")
        by_argument(
            parser,
            "the staff member who imports (field services or customer service); named in the access log",
        )

    def handle(self, *args, path, customer, request, source, by, **options):
        staff = command_staff(by)
        if not Customer.objects.filter(pk=customer).exists():
            raise CommandError(f"no customer {customer}")
        try:
            with open(path, "rb") as stream:
                result = parse_green_button(stream, progress=self._progress)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        try:
            summary = usage_import(
                customer_id=customer,
                result=result,
                submission=Submission(
                    channel=Channel.FILE_IMPORT,
                    notice_key="metering",
                    recorded_by=staff,
                    recorded_by_label=source,
                    note="Green Button file",  # not its path: paths often carry the customer's name
                ),
                imported_by=staff,
                request_id=request,
            )
        except PermissionDenied as exc:
            raise CommandError(f"{by}: {exc}") from None
        except Held as held:
            raise CommandError(f"{by}: nothing stored; the import's read is {held}") from None
        except Denied:
            raise CommandError(
                f"nothing stored: request {request} is not an open request of customer {customer}'s "
                f"that {by}'s service owns"
            ) from None
        for note in summary.notes:
            self.stderr.write(f"line {note.line or '-'}: note: {note.message}")
        for problem in summary.problems:
            self.stderr.write(f"line {problem.line or '-'}: {problem.message}")
        if summary.refused:
            raise CommandError(summary.refused.message)
        self.stdout.write(
            f"{counted(summary.readings_stored, 'reading')} stored in "
            f"{counted(summary.blocks_written, 'monthly block')} "
            f"({', '.join(summary.months)}); read {summary.readings_read}, "
            f"replaced {summary.readings_replaced}, displaced {summary.readings_displaced} held, "
            f"refused {summary.readings_refused}; series {', '.join(summary.series)}; "
            f"{counted(len(summary.problems), 'problem')}"
        )
        if summary.readings_refused:
            raise CommandError(
                f"{summary.readings_refused} of {counted(summary.readings_read, 'reading')} "
                f"{'was' if summary.readings_refused == 1 else 'were'} not stored "
                "(see the problems)"
            )

    def _progress(self, entries: int):
        self.stderr.write(f"… {counted(entries, 'entry', 'entries')} read")
