"""A month of synthetic visits to the public website, so the web team's dashboard has something to show on a
new demo: views per day with a weekly rhythm, a few pages most people enter on, browsers and devices in
proportions like a small utility's site, search engines and the city's site as referrers, and two campaigns
(the bill insert's link and a social post).

Nothing here comes from a person: visitor codes are random, addresses are from the documentation ranges.
Re-running adds nothing when the site already has visits in the month.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from custodian.analytics.models import PageView

DAYS = 30
# (path, weight as an entry page, weight as a further page)
_PAGES = (
    ("/", 60, 10),
    ("/services/", 12, 25),
    ("/contact/", 8, 20),
    ("/privacy/", 4, 12),
    ("/privacy/rights/", 2, 8),
    ("/cookies/", 1, 4),
    ("/privacy/incidents/", 1, 3),
    ("/privacy/inventory/", 1, 3),
)
# ((browser, major, os, device), weight)
_AGENTS = (
    (("Chrome", "131", "Windows", "desktop"), 30),
    (("Mobile Safari", "18", "iOS", "phone"), 24),
    (("Chrome Mobile", "131", "Android", "phone"), 16),
    (("Edge", "131", "Windows", "desktop"), 10),
    (("Safari", "18", "Mac OS X", "desktop"), 8),
    (("Firefox", "133", "Windows", "desktop"), 4),
    (("Mobile Safari", "18", "iOS", "tablet"), 4),
    (("Samsung Internet", "27", "Android", "phone"), 4),
)
_REFERRERS = (
    ("", 55),
    ("www.google.com", 25),
    ("www.bing.com", 6),
    ("duckduckgo.com", 4),
    ("www.ci.owatonna.mn.us", 10),
)
_CAMPAIGNS = (
    ({"utm_source": "bill-insert", "utm_medium": "print", "utm_campaign": "cold-weather-rule"}, 4),
    ({"utm_source": "facebook", "utm_medium": "social", "utm_campaign": "paperless"}, 3),
    ({}, 93),
)
_NETWORKS = ("203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "2001:db8:10::/48", "2001:db8:22::/48")


def _pick(rng: random.Random, weighted):
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


def demo_web_visits_ensure(*, seed: int, days: int = DAYS) -> int:
    """A month of visits up to yesterday; returns how many page views were added (0 when there were some)."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    first = today - timedelta(days=days)
    if PageView.objects.filter(at__gte=datetime.combine(first, time.min, tz)).exists():
        return 0
    rng = random.Random(seed)
    views = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        visitors = rng.randint(70, 110) if day.weekday() < 5 else rng.randint(30, 55)
        for _ in range(visitors):
            browser, major, os_family, device = _pick(rng, _AGENTS)
            code = f"{rng.getrandbits(64):016x}"
            referrer = _pick(rng, _REFERRERS)
            tags = _pick(rng, _CAMPAIGNS)
            at = datetime.combine(day, time(rng.randint(6, 22), rng.randint(0, 59)), tz)
            pages = [rng.choices([p[0] for p in _PAGES], [p[1] for p in _PAGES])[0]]
            while rng.random() < 0.45 and len(pages) < 6:
                pages.append(rng.choices([p[0] for p in _PAGES], [p[2] for p in _PAGES])[0])
            for i, path in enumerate(pages):
                views.append(
                    PageView(
                        at=at + timedelta(minutes=2 * i),
                        path=path,
                        browser=browser,
                        browser_major=major,
                        os=os_family,
                        device=device,
                        ip_prefix=rng.choice(_NETWORKS),
                        referrer_host=referrer if i == 0 else "",
                        visitor=code,
                        **(tags if i == 0 else {}),
                    )
                )
    PageView.objects.bulk_create(views, batch_size=2000)
    return len(views)
