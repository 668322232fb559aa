"""The console's navigation: (section, [(label, URL name)]). A link shows only to staff whom the page's own
rule lets in (custodian.console.access.may_open), so adding a page here never opens it to anyone."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from custodian.casework.selectors import SOON_DAYS, request_list
from custodian.console.access import console_actor
from custodian.web.navigation import Card

SECTIONS = [
    (
        "Work",
        [
            ("Home", "staff:home"),
            ("Requests", "console:requests"),
            ("Record a call, visit or letter", "console:request_new"),
            ("Find a customer", "console:customers"),
            ("Start, stop and move service", "console:service_desk"),
            ("Import meter reads", "console:reads_import"),
            ("Comparison reports", "console:reports"),
        ],
    ),
    ("Billing and collections", [("Billing", "console:billing"), ("Collections", "console:collections")]),
    (
        "Privacy office",
        [
            ("Privacy officer", "console:privacy"),
            ("Access review", "console:access_review"),
            ("Disclosure desk", "console:disclosures"),
            ("Security incidents", "console:incidents"),
            ("Correction notices", "console:correction_notices"),
            ("Connect My Data third parties", "console:third_parties"),
            ("Retention", "console:retention"),
            ("Data inventory", "console:inventory"),
        ],
    ),
    ("Marketing", [("Audiences", "console:marketing")]),
    ("Website", [("Website statistics", "console:web_stats")]),
    ("Systems", [("Health and scheduled jobs", "console:operations")]),
    ("Administration", [("Staff accounts", "console:people"), ("API tokens", "tokens:list")]),
    ("My sign-in", [("Recovery codes", "staff:recovery_codes")]),
]


def home_cards(request):
    """The console's home for this member of staff: their services' open requests, those due within two days
    and those overdue, each a link to the queue filtered so."""
    actor = console_actor(request)
    if not actor.services:
        return []
    today = timezone.localdate()
    due = list(request_list(fetched_by=actor).values_list("due_on", flat=True))
    overdue = sum(1 for d in due if d and d < today)
    soon = sum(1 for d in due if d and d <= today + timedelta(days=SOON_DAYS))  # as the queue's filter
    queue = reverse("console:requests")
    return [
        Card("My queue", str(len(due)), "open requests of your services", queue, "Open the queue"),
        Card(
            "Due soon",
            str(soon),
            f"overdue or due within {SOON_DAYS} days",
            queue + "?due=soon",
            "Show those due soon",
        ),
        Card("Overdue", str(overdue), "past their due date", queue + "?due=overdue", "Show the overdue ones"),
    ]
