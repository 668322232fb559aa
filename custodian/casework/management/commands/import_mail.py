from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from custodian.casework.mail_import import import_folder


class Command(BaseCommand):
    help = "Import customer e-mails from a Maildir folder or an mbox file as requests (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            with tqdm(unit="message", desc="importing") as bar:
                report = import_folder(path, progress=bar.update)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        for where, why in report.skipped:
            self.stderr.write(f"skipped {where}: {why}")
        self.stdout.write(
            f"{report.imported} imported, {report.duplicates} already imported, "
            f"{len(report.skipped)} skipped, {report.bounces} bounces of our own e-mail recorded"
        )
