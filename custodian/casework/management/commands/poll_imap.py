from custodian.casework.imap import poll_imap
from custodian.mailboxes import MailboxCommand


class Command(MailboxCommand):
    help = "Import unseen customer e-mails from the IMAP inbox configured by CUSTODIAN_IMAP_*."
    takes_path = False
    unreadable = RuntimeError

    def mailbox_read(self, **options):
        return poll_imap()

    def summary(self, report) -> str:
        return (
            f"{report.imported} imported, {report.duplicates} already imported, {len(report.skipped)} skipped"
        )
