from django.core.management.base import BaseCommand, CommandError

from custodian.commands import progress_once_counted
from custodian.disclosures.commands import export_parties
from custodian.disclosures.exports import ExportRefused
from custodian.outbox.services import letters_mail
from custodian.plurals import counted
from custodian.staff.commands import by_argument


class Command(BaseCommand):
    help = "Hand every queued letter to the letter-mailing vendor in one encrypted export (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--vendor", type=int, required=True, help="a vendor of the letter_mailing function"
        )

        by_argument(parser, "the privacy officer who decides this disclosure")

    def handle(self, *args, vendor, by, **options):
        officer, found = export_parties(by=by, vendor=vendor)
        # The total is the letters the export writes, told by it; with none waiting no bar is drawn.
        with progress_once_counted(unit="letter", desc=f"letters to {found.name}") as progress:
            try:
                report = letters_mail(vendor=found, requested_by=officer, **progress)
            except ExportRefused as exc:
                raise CommandError(f"refused: {exc}") from None
        if report.export_id is None:
            self.stdout.write("no letters waiting")
            return
        self.stdout.write(
            f"export {report.export_id}: {counted(report.mailed, 'letter')}, "
            f"{len(report.not_addressed)} without a name or mailing address on file"
        )
