from django.core.management.base import BaseCommand, CommandError

from custodian.casework.imap import poll_imap


class Command(BaseCommand):
    help = "Import unseen customer e-mails from the IMAP inbox configured by CUSTODIAN_IMAP_*."

    def handle(self, *args, **options):
        try:
            report = poll_imap()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        for where, why in report.skipped:
            self.stderr.write(f"skipped {where}: {why}")
        self.stdout.write(
            f"{report.imported} imported, {report.duplicates} already imported, {len(report.skipped)} skipped"
        )
