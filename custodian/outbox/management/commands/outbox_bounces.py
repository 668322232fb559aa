from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from custodian.outbox.bounces import bounces_import


class Command(BaseCommand):
    help = "Record the bounces in a Maildir folder or an mbox file of delivery reports (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            report = bounces_import(path)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        for where, why in report.skipped:
            self.stderr.write(f"skipped {where}: {why}")
        self.stdout.write(f"{report.bounced} bounces recorded, {report.ignored} other messages left alone")
