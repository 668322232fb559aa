import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from custodian.audit.verify import verify_log
from custodian.vault.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the database (DATABASE_URL: new and empty), the interval "
        "store and the transparency directory configured here (new and empty), after checking the backup's "
        "digests and that the keys configured here are the ones it needs; then verify the restored access "
        "log against the signed heads in the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=Path, required=True, help="a backup directory")

    def handle(self, *args, source, **options):
        try:
            report = backup_restore(directory=source, progress=lambda text: self.stderr.write(f"... {text}"))
        except BackupError as exc:
            raise CommandError(str(exc)) from None

        self.stdout.write(
            f"restored from {source}: access log size {report.tree_size}, {report.interval_files} interval "
            f"files, {report.published_files} published files"
        )
        result = verify_log(Path(settings.CUSTODIAN_TRANSPARENCY_DIR))
        if not result.ok:
            self.stderr.write(f"the restored access log does not verify: {result}")
            sys.exit(1)
        self.stdout.write(f"access log verified against the backup's signed heads: {result}")
