import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from custodian.commands import progress_on, progress_once_counted
from custodian.disclosures.exports import REPORT_MAILING, ExportRefused, NothingToSend, vendor_export_run
from custodian.disclosures.models import Vendor
from custodian.plurals import counted
from custodian.staff.commands import by_argument
from custodian.usage.comparison import SparkNotInstalled, compute, require_spark
from custodian.usage.inputs import comparison_inputs_for
from custodian.usage.reports import may_run_reports
from custodian.usage.services import store_group_aggregates


class Command(BaseCommand):
    help = "Compute neighbour comparisons for every eligible home (DuckDB by default, or --engine spark)."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--mail-to",
            type=int,
            metavar="VENDOR_ID",
            help="then send every home's report as a PDF to this report-mailing vendor (a vendor export)",
        )
        by_argument(
            parser,
            "the staff member who starts the run, named in the access log (required with --mail-to: "
            "the privacy officer)",
            required=False,
        )

    def handle(self, *args, engine, no_progress, mail_to, by, **options):

        engine = engine or settings.CUSTODIAN_COMPARISON_ENGINE
        if engine == "spark":
            try:
                require_spark()
            except SparkNotInstalled as missing:
                raise CommandError(str(missing)) from None
        staff = None
        if by:
            staff = get_user_model().objects.filter(username=by, is_active=True).first()
            if staff is None or not may_run_reports(staff):
                raise CommandError(f"{by!r} is not an active staff member who runs comparison reports")
        elif mail_to is not None:
            raise CommandError("--mail-to sends letters to a vendor: name the privacy officer with --by")
        started = time.perf_counter()
        with tqdm(unit="customer", desc="reading usage through the gate", disable=no_progress) as bar:
            data = comparison_inputs_for(engine, started_by=staff, **progress_on(bar))
        read = time.perf_counter() - started
        rows, groups_rows, members = compute(data, engine=engine)
        stored = store_group_aggregates(data, (groups_rows, members))
        shown = {r.customer_id for r in rows}
        months = sorted({r.month for r in rows})
        eligible = data.homes_with_usage()
        groups = len({r.peer_group for r in rows})
        self.stdout.write(
            f"{counted(len(rows), 'monthly comparison')} for {counted(len(shown), 'home')} in "
            f"{counted(groups, 'peer group')} over "
            f"{counted(len(months), 'month')} ({counted(len(eligible - shown), 'eligible home')} in "
            f"groups too small or dominated "
            f"by one home); {stored} peer-group months stored for the portal; {data.interval_readings} "
            f"interval readings; read in {read:.1f}s, {time.perf_counter() - started:.1f}s in all"
        )
        if mail_to is not None:
            self._mail(mail_to, no_progress, staff)

    def _mail(self, vendor_id: int, no_progress: bool, staff):

        vendor = Vendor.objects.filter(pk=vendor_id).first()
        if vendor is None or vendor.function != REPORT_MAILING:
            raise CommandError(f"no report-mailing vendor {vendor_id}")
        # The total is the export's own: the homes with a report to mail; drawn only once there are some.
        with progress_once_counted(unit="home", desc="reports for mail", disable=no_progress) as counting:
            try:
                export = vendor_export_run(vendor=vendor, requested_by=staff, **counting)
            except NothingToSend as exc:
                # Nothing recorded and no file: the command's answer, not a failure.
                self.stdout.write(exc.told())
                return
            except ExportRefused as exc:
                raise CommandError(f"refused: {exc}") from None
        self.stdout.write(
            f"{counted(export.rows, 'report')} sent to {vendor.name} in export {export.pk} "
            f"({export.file_name})"
        )
