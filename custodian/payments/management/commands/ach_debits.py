"""The NACHA file of automatic payments due, to the utility's bank:
`manage.py ach_debits --vendor ID --by USER [--effective YYYY-MM-DD]` (the privacy officer runs it: the file
is a disclosure). Each bill is debited once: safe to re-run."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.disclosures.commands import export_parties
from custodian.disclosures.exports import ExportRefused
from custodian.payments.autopay import AutopayError, ach_export_run
from custodian.plurals import counted
from custodian.staff.commands import by_argument


class Command(BaseCommand):
    help = "Write the NACHA file of the automatic payments due, encrypted to the bank."

    def add_arguments(self, parser):
        parser.add_argument("--vendor", type=int, required=True, help="the ach_origination vendor's id")
        by_argument(parser, "the privacy officer who runs it")
        parser.add_argument("--effective", help="the debits' effective date (default: the next day)")

    def handle(self, *args, vendor, by, effective=None, **options):
        staff, bank = export_parties(by=by, vendor=vendor)
        try:
            day = date.fromisoformat(effective) if effective else timezone.localdate() + timedelta(days=1)
        except ValueError:
            raise CommandError(f"--effective {effective!r} is not a date written YYYY-MM-DD") from None
        try:
            export = ach_export_run(vendor=bank, requested_by=staff, effective_on=day)
        except (ExportRefused, AutopayError) as exc:
            raise CommandError(str(exc)) from None
        if export is None:
            self.stdout.write("no automatic payments due")
        else:
            self.stdout.write(f"export {export.pk}: {counted(export.rows, 'debit')} in {export.file_name}")
