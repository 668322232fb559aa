from tqdm import tqdm

from custodian.casework.mail_import import import_folder
from custodian.mailboxes import MailboxCommand


class Command(MailboxCommand):
    help = "Import customer e-mails from a Maildir folder or an mbox file as requests (safe to re-run)."

    def mailbox_read(self, *, path, **options):
        with tqdm(unit="message", desc="importing") as bar:
            return import_folder(path, progress=bar.update)

    def summary(self, report) -> str:
        return (
            f"{report.imported} imported, {report.duplicates} already imported, "
            f"{len(report.skipped)} skipped, {report.bounces} bounces of our own e-mail recorded"
        )
