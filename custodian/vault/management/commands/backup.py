from pathlib import Path

from django.core.management.base import BaseCommand

from custodian.commands import refusal_told
from custodian.plurals import counted
from custodian.vault.backup import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup), the interval store and the access log's "
        "signed heads into a new directory under --to, with a manifest of digests and of the keys needed (by "
        "reference: no key is ever in a backup). --keys-to DIR also copies the three key files to a separate "
        "directory outside the backup (keep it apart from the backups, as safe as the keyring itself)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, required=True, help="where the new backup directory goes")
        parser.add_argument("--keys-to", type=Path, help="copy the key files here (never inside --to)")

    def handle(self, *args, to, keys_to, **options):
        with refusal_told(BackupError):
            report = backup_make(
                to=to, keys_to=keys_to, progress=lambda text: self.stderr.write(f"... {text}")
            )
        self.stdout.write(
            f"backup written to {report.directory}: database {counted(report.database_bytes, 'byte')}, "
            f"{report.interval_files} interval files, {report.heads} signed heads (access log size "
            f"{report.tree_size})"
        )
        if report.keys_copied_to:
            self.stdout.write(
                f"key files copied to {report.keys_copied_to} (keep them apart from the backup)"
            )
        else:
            self.stdout.write(
                "no key is in the backup: the keyring and the log key are backed up on their own"
            )
