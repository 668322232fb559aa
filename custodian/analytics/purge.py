"""The one rule for when a page view is past its period: the retention schedule's `web_analytics` item,
counted back from local midnight of the day as every item is (`RetentionItem.first_moment_kept`). The daily
`analytics_purge` and the retention run (its dry run's count and its destruction record) both delete by it."""

from datetime import date

from custodian.analytics.models import PageView
from custodian.policy.loader import current_policy

SCHEDULE_ITEM = "web_analytics"


def page_views_due(as_of: date):
    """The page views past their period on `as_of`: recorded before local midnight of the first day kept."""
    item = current_policy().retention_schedule[SCHEDULE_ITEM]
    return PageView.objects.filter(at__lt=item.first_moment_kept(as_of))
