"""Bill every account for a cycle: `manage.py bill_run --cycle 2026-10`. Safe to re-run."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from custodian.billing.services import BillingError, accounts_to_bill, bill_run, cycle_ended_check
from custodian.plurals import counted
from custodian.staff.commands import by_argument, command_staff


class Command(BaseCommand):
    help = "Bill every account in service during a cycle (YYYY-MM), through the gate as the billing job."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, help="the month to bill, YYYY-MM")
        parser.add_argument("--no-progress", action="store_true")
        by_argument(
            parser, "the billing staff member who starts the run (named in the access log)", required=False
        )

    def handle(self, *args, cycle, no_progress=False, by=None, **options):
        staff = command_staff(by)
        try:
            cycle_ended_check(cycle)
        except BillingError as exc:
            raise CommandError(str(exc)) from None
        total = accounts_to_bill(cycle).count()
        with tqdm(total=total, unit="account", disable=no_progress, file=self.stderr) as bar:
            try:
                issued = bill_run(cycle=cycle, progress=bar.update, started_by=staff)
            except BillingError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{counted(issued, 'bill')} issued for {cycle} ({counted(total - issued, 'account')} already "
            f"billed or skipped)"
        )
