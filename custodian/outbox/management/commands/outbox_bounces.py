from custodian.mailboxes import MailboxCommand
from custodian.outbox.bounces import bounces_import
from custodian.plurals import counted


class Command(MailboxCommand):
    help = "Record the bounces in a Maildir folder or an mbox file of delivery reports (safe to re-run)."

    def mailbox_read(self, *, path, **options):
        return bounces_import(path)

    def summary(self, report) -> str:
        return (
            f"{counted(report.bounced, 'bounce')} recorded, "
            f"{counted(report.ignored, 'other message')} left alone"
        )
