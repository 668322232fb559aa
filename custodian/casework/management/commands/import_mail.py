from custodian.casework.mail_import import import_folder
from custodian.commands import progress_once_counted
from custodian.mailboxes import MailboxCommand
from custodian.plurals import counted


class Command(MailboxCommand):
    help = "Import customer e-mails from a Maildir folder or an mbox file as requests (safe to re-run)."

    def mailbox_read(self, *, path, **options):
        # The bar's total is the mailbox's messages, counted as it is opened; an empty one, no bar.
        with progress_once_counted(unit="message", desc="importing") as counting:
            return import_folder(path, **counting)

    def summary(self, report) -> str:
        return (
            f"{report.imported} imported, {report.duplicates} already imported, "
            f"{len(report.skipped)} skipped, {counted(report.bounces, 'bounce')} of our own e-mail recorded"
        )
