from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from custodian.analytics.models import PageView
from custodian.plurals import counted
from custodian.policy.loader import current_policy


class Command(BaseCommand):
    help = "Delete page views older than the policy file's web-analytics retention."

    def handle(self, *args, **options):
        days = current_policy().retention["web_analytics_days"]
        deleted, _ = PageView.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
        self.stdout.write(f"deleted {counted(deleted, 'page view')} older than {counted(days, 'day')}")
