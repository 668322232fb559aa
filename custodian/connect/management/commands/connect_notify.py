from django.core.management.base import BaseCommand

from custodian.connect.notifications import notifications_send


class Command(BaseCommand):
    help = "Post the Connect My Data notifications of new data that are due (safe to run at any time)."

    def handle(self, *args, **options):
        self.stdout.write(str(notifications_send()))
