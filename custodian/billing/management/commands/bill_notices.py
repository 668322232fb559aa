"""E-mail paperless customers that their bill is ready: `manage.py bill_notices [--cycle YYYY-MM]`. Printed
bills go through the bill-mailing vendor's export (`manage.py vendor_export`). Safe to re-run."""

from django.core.management.base import BaseCommand, CommandError

from custodian.billing.notices import bill_notices_send
from custodian.billing.services import BillingError, cycle_check
from custodian.commands import progress_once_counted
from custodian.plurals import counted


class Command(BaseCommand):
    help = "Send the bill-ready e-mail (no amounts) to paperless customers whose bills were not yet told."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", help="only the bills of this month, YYYY-MM")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, cycle=None, no_progress=False, **options):
        if cycle:
            try:
                cycle_check(cycle)
            except BillingError as exc:
                raise CommandError(str(exc)) from None
        # The bar's total is the bills still to tell, counted before the first e-mail; none, no bar.
        with progress_once_counted(unit="bill", disable=no_progress, file=self.stderr) as counting:
            report = bill_notices_send(cycle=cycle, **counting)
        self.stdout.write(
            f"{counted(report.emailed, 'bill-ready e-mail')} sent, "
            f"{counted(report.no_address, 'paperless customer')} without an "
            f"address (their bills go to print), {report.failed} not delivered"
        )
