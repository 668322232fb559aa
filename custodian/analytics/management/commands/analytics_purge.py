from django.core.management.base import BaseCommand
from django.utils import timezone

from custodian.analytics.purge import SCHEDULE_ITEM, page_views_due
from custodian.plurals import counted
from custodian.policy.loader import current_policy


class Command(BaseCommand):
    help = (
        "Delete page views past the policy file's web-analytics retention (as the retention run counts it)."
    )

    def handle(self, *args, **options):
        item = current_policy().retention_schedule[SCHEDULE_ITEM]
        deleted, _ = page_views_due(timezone.localdate()).delete()
        self.stdout.write(f"deleted {counted(deleted, 'page view')} older than {item.period_text}")
