import sys
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from custodian.commands import progress_once_counted
from custodian.disclosures.commands import export_parties
from custodian.disclosures.exports import (
    ROWS_CHUNK,
    ExportRefused,
    NothingToSend,
    export_counted,
    vendor_export_run,
)
from custodian.plurals import counted
from custodian.staff.commands import by_argument


def _customer_numbers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ArgumentTypeError("customer numbers separated by commas, such as 12,40,41") from None


class Command(BaseCommand):
    help = "Export what a vendor's function needs, encrypted to the vendor (safe to re-run after a crash)."

    def add_arguments(self, parser):
        parser.add_argument("--vendor", type=int, required=True)
        parser.add_argument(
            "--marketing", action="store_true", help="a marketing mailing: opted-out customers left out"
        )
        parser.add_argument(
            "--mailing", default="", help="what is being mailed (a mailing that is not marketing)"
        )
        parser.add_argument(
            "--customers",
            type=_customer_numbers,
            default=None,
            help="the customers it is mailed to, by internal number, comma-separated",
        )
        parser.add_argument("--batch", type=int, default=ROWS_CHUNK)
        by_argument(parser, "the privacy officer who decides this disclosure")

    def handle(self, *args, vendor, marketing, mailing, customers, batch, by, **options):
        officer, found = export_parties(by=by, vendor=vendor)
        # The bar is drawn once the export tells its total (the customers it goes through): an export with
        # nothing to send draws none.
        with progress_once_counted(unit="customer", desc=f"export to {found.name}") as counting:
            written = 0

            def progress(n):
                nonlocal written
                written += n
                counting["progress"](n)
                # Customers so far, not rows: a customer's rows (a bill each, for the bill-mailing vendor) are
                # written together.
                print(f"wrote the rows of {counted(written, 'customer')}", flush=True, file=sys.stdout)

            try:
                export = vendor_export_run(
                    vendor=found,
                    requested_by=officer,
                    for_marketing=marketing,
                    mailing=mailing,
                    customer_ids=customers,
                    batch=batch,
                    progress=progress,
                    progress_total=counting["progress_total"],
                )
            except NothingToSend as exc:
                # Nothing recorded and no file: the command's answer, not a failure.
                self.stdout.write(exc.told())
                return
            except ExportRefused as exc:
                raise CommandError(f"refused: {exc}") from None
        done = f"export {export.pk} done: {export_counted(export)}, file {export.file_name}"
        self.stdout.write(f"{done}, sha256 {export.sha256}")
