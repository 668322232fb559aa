from django.core.management.base import BaseCommand

from custodian.outbox.services import messages_retry


class Command(BaseCommand):
    help = "Send again the e-mails whose temporary failure's wait is over (safe to run at any time)."

    def handle(self, *args, **options):
        report = messages_retry()
        self.stdout.write(f"{report.sent} sent, {report.retrying} still retrying, {report.failed} failed")
