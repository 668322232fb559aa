from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from custodian.analytics.models import PageView


def _range(since: date, until: date):
    tz = timezone.get_current_timezone()
    return datetime.combine(since, time.min, tz), datetime.combine(until + timedelta(days=1), time.min, tz)


def dashboard(*, since: date, until: date, include_bots: bool = False) -> dict:
    start, end = _range(since, until)
    views = PageView.objects.filter(at__gte=start, at__lt=end)
    if not include_bots:
        views = views.filter(is_bot=False)

    def top(field, n=10):
        return list(
            views.exclude(**{field: ""}).values(field).annotate(n=Count("id")).order_by("-n", field)[:n]
        )

    per_day = {
        r["day"]: r["n"] for r in views.annotate(day=TruncDate("at")).values("day").annotate(n=Count("id"))
    }
    days = [(since + timedelta(d)) for d in range((until - since).days + 1)]
    return {
        "total": views.count(),
        "per_day": [(d, per_day.get(d, 0)) for d in days],
        "pages": top("path"),
        "browsers": top("browser"),
        "os": top("os"),
        "devices": top("device"),
        "referrers": top("referrer_host"),
    }
