from tqdm import tqdm

from custodian.casework.mail_import import import_folder
from custodian.mailboxes import MailboxCommand
from custodian.plurals import counted


class Command(MailboxCommand):
    help = "Import customer e-mails from a Maildir folder or an mbox file as requests (safe to re-run)."

    def mailbox_read(self, *, path, **options):
        with tqdm(unit="message", desc="importing") as bar:
            return import_folder(path, progress=bar.update)

    def summary(self, report) -> str:
        return (
            f"{report.imported} imported, {report.duplicates} already imported, "
            f"{len(report.skipped)} skipped, {counted(report.bounces, 'bounce')} of our own e-mail recorded"
        )
