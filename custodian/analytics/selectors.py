from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from custodian.analytics.models import PageView
from custodian.analytics.visitors import CAMPAIGN_FIELDS

# A visit ends after this long without a page view (as Plausible's sessions do); its first page is its entry.
VISIT_IDLE = timedelta(minutes=30)


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

    counted = Q(visitor__gt="")
    per_day = {
        r["day"]: (r["n"], r["visitors"])
        for r in views.annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("id"), visitors=Count("visitor", distinct=True, filter=counted))
    }
    days = [(since + timedelta(d)) for d in range((until - since).days + 1)]
    return {
        "total": views.count(),
        # A visitor's code changes every day, so over several days this is the sum of each day's visitors.
        "visitors": views.filter(counted).aggregate(n=Count("visitor", distinct=True))["n"],
        "per_day": [(d, per_day.get(d, (0, 0))[0]) for d in days],
        "visitors_per_day": [(d, per_day.get(d, (0, 0))[1]) for d in days],
        "entry_pages": _entry_pages(views.filter(counted)),
        "campaigns": list(
            views.exclude(utm_source="", utm_medium="", utm_campaign="")
            .values(*CAMPAIGN_FIELDS)
            .annotate(n=Count("id"), visitors=Count("visitor", distinct=True, filter=counted))
            .order_by("-visitors", "-n", *CAMPAIGN_FIELDS)[:20]
        ),
        "pages": top("path"),
        "browsers": top("browser"),
        "os": top("os"),
        "devices": top("device"),
        "referrers": top("referrer_host"),
    }


def _entry_pages(views, n: int = 10) -> list[dict]:
    """The pages visits start on: a visitor's first view of the day, or the first after VISIT_IDLE without
    one. Walked in order in Python (one pass, no window functions needed on either database)."""
    entries: dict[str, int] = {}
    last_visitor, last_at = None, None
    rows = views.order_by("visitor", "at").values_list("visitor", "at", "path")
    for visitor, at, path in rows.iterator(chunk_size=5000):
        if visitor != last_visitor or at - last_at > VISIT_IDLE:
            entries[path] = entries.get(path, 0) + 1
        last_visitor, last_at = visitor, at
    ranked = sorted(entries.items(), key=lambda item: (-item[1], item[0]))[:n]
    return [{"path": path, "n": count} for path, count in ranked]
