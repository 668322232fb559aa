"""The console's navigation: (section, [(label, URL name)]). A link shows only to staff whom the page's own
rule lets in (custodian.console.access.may_open), so adding a page here never opens it to anyone."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from custodian.casework.choices import RequestKind
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
            ("Disconnection orders", "console:disconnection_orders"),
            ("Comparison reports", "console:reports"),
        ],
    ),
    (
        "Billing and collections",
        [
            ("Billing", "console:billing"),
            ("Collections", "console:collections"),
            ("Bank notices of change", "console:bank_notices"),
        ],
    ),
    (
        "Privacy office",
        [
            ("Privacy officer", "console:privacy"),
            ("Access review", "console:access_review"),
            ("Disclosure desk", "console:disclosures"),
            ("Vendor determinations to approve", "console:determinations"),
            ("Legal authority to approve", "console:law_enforcement"),
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
    (
        "Administration",
        [
            ("Staff accounts", "console:people"),
            ("Staff changes to approve", "console:staff_changes"),
            ("API tokens", "tokens:list"),
        ],
    ),
    ("My sign-in", [("Recovery codes", "staff:recovery_codes")]),
]


# The requests of "my queue" the home lists by name; the card's link opens the rest in the queue.
MY_QUEUE_LISTED = 5


def home_cards(request):
    """The console's home for this member of staff: the open requests assigned to them (counted and the
    earliest due listed), then their services' open requests nobody has taken, all of them, those due within
    two days and those overdue, each a link to the queue filtered so."""
    actor = console_actor(request)
    if not actor.services:
        return []
    today = timezone.localdate()
    me = request.user.pk
    rows = list(request_list(fetched_by=actor).values_list("pk", "kind", "due_on", "assigned_to_id"))
    mine = [r for r in rows if r[3] == me]
    unassigned = sum(1 for r in rows if r[3] is None)
    overdue = sum(1 for r in rows if r[2] and r[2] < today)
    soon = sum(1 for r in rows if r[2] and r[2] <= today + timedelta(days=SOON_DAYS))  # as the queue's filter
    queue = reverse("console:requests")
    listed = tuple(
        (
            f"#{pk} {RequestKind(kind).label}",
            reverse("console:request", args=[pk]),
            f"due {due_on:%Y-%m-%d}" if due_on else "",
        )
        for pk, kind, due_on, _ in mine[:MY_QUEUE_LISTED]
    )
    return [
        Card(
            "My queue",
            str(len(mine)),
            ngettext("open request assigned to you", "open requests assigned to you", len(mine)),
            queue + "?assigned=me",
            "Open my queue",
            items=listed,
        ),
        Card(
            "Unassigned",
            str(unassigned),
            ngettext(
                "open request of your services nobody has taken",
                "open requests of your services nobody has taken",
                unassigned,
            ),
            queue + "?assigned=nobody",
            "Show the unassigned ones",
        ),
        Card(
            "All open",
            str(len(rows)),
            ngettext("open request of your services", "open requests of your services", len(rows)),
            queue,
            "Open the queue",
        ),
        Card(
            "Due soon",
            str(soon),
            ngettext("overdue or due within %(n)d day", "overdue or due within %(n)d days", SOON_DAYS)
            % {"n": SOON_DAYS},
            queue + "?due=soon",
            "Show those due soon",
        ),
        Card(
            "Overdue",
            str(overdue),
            ngettext("past its due date", "past their due date", overdue),
            queue + "?due=overdue",
            "Show the overdue ones",
        ),
    ]
