"""The privacy officer's pages: the home page with what waits for a decision, the review of emergency access,
the access review, the data inventory and the retention schedule."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from custodian.audit.selectors import access_events_matching, seen_in_words
from custodian.casework.selectors import subject_requests_open
from custodian.console import forms
from custodian.console.access import console_actor, privacy_officer_only
from custodian.console.steps import page_again, step_form
from custodian.csvfile import CSV_CONTENT_TYPE, csv_writer
from custodian.disclosures.selectors import correction_notices_list
from custodian.incidents.flag_reviews import reviews_of
from custodian.incidents.selectors import unusual_access
from custodian.operations.advisories import unconfirmed_retention_items
from custodian.policy.loader import current_policy
from custodian.retention.selectors import destruction_records
from custodian.retention.services import citation_of, retention_due
from custodian.routing import page
from custodian.staff.services import access_log_read_append
from custodian.vault.gate import break_glass_review, break_glass_review_queue
from custodian.vault.services import NotAllowed
from custodian.web.views import inventory_answer


@page("privacy/", name="privacy")
@privacy_officer_only(_("Only the privacy officer works the privacy office's queues."))
def privacy_home(request):
    actor = console_actor(request)
    flags = unusual_access(fetched_by=actor)
    reviews = reviews_of(flags)
    since = timezone.localdate(timezone.now() - timedelta(hours=24))
    return render(
        request,
        "console/privacy_home.html",
        {
            "subject_requests": subject_requests_open(fetched_by=actor),
            "now": timezone.now(),
            # Each emergency access with its own review form: the one sent comes back with what was typed.
            "break_glass": [
                (g, step_form(request, forms.ReviewForm, "console:review", g.pk, auto_id=f"grant-{g.pk}-%s"))
                for g in break_glass_review_queue()
            ],
            # Each flag with the access review's address of its events and the review that stands, if any.
            "flags": [
                (
                    f,
                    _events_of(f, since),
                    reviews.get((f.actor_kind, f.actor_id, f.kind)),
                    _flag_review_form(request, f, n),
                )
                for n, f in enumerate(flags, start=1)
            ],
        },
    )


def _flag_review_form(request, flag, n: int):
    """The flag's review form: the one the privacy officer sent for this flag when the step drew the page
    again, else a new one naming the flag."""
    sent = step_form(request, forms.FlagReviewForm, "console:flag_review", auto_id=f"flag-{n}-%s")
    if sent.is_bound and sent.names(flag):
        return sent
    return forms.FlagReviewForm(
        initial={"kind": flag.kind, "actor_kind": flag.actor_kind, "actor_id": flag.actor_id},
        auto_id=f"flag-{n}-%s",
    )


def _events_of(flag, since) -> str:
    """The access review filtered to the flag's actor over the flags' window."""
    who = (
        {"staff": flag.actor_id}
        if flag.actor_kind == "staff"
        else {
            "actor_kind": flag.actor_kind,
            "actor_id": flag.actor_id,
        }
    )
    if "refused" in flag.kind:
        who["decision"] = "deny"
    return f"{reverse('console:access_review')}?{urlencode({**who, 'since': since.isoformat()})}"


@page("privacy/break-glass/<id:grant_id>/review/", name="review")
@privacy_officer_only(_("Only the privacy officer reviews emergency access."))
@require_POST
def break_glass_review_view(request, grant_id):
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return page_again(request, "A review needs a finding.", form, "console:privacy")
    try:
        grant = break_glass_review(grant_id=grant_id, reviewer=request.user, note=form.cleaned_data["note"])
    except (ValueError, NotAllowed) as exc:
        return page_again(request, str(exc), form, "console:privacy")
    except ObjectDoesNotExist:
        raise Http404 from None
    if grant.ended_by_review:
        messages.success(request, "Review recorded. The emergency access it reviewed is ended now.")
    else:
        messages.success(request, "Review recorded.")
    return redirect("console:privacy")


ACCESS_PAGE = 50
# A CSV export is a review's working copy, not a backup of the log: it stops at this many rows (newest first).
ACCESS_CSV_LIMIT = 100_000
ACCESS_COLUMNS = [
    "position", "when", "who", "kind", "services", "on behalf of", "action", "purpose", "request",
    "through their own request", "customer", "data", "decision", "reason",
]  # fmt: skip


@page("privacy/access/", name="access_review")
@privacy_officer_only(_("Only the privacy officer reviews access."))
def access_review(request):
    """The access log as the privacy officer reviews it: the latest events first, filtered by staff member
    (by name), customer, purpose, decision and dates, a page at a time, or downloaded as CSV (its purposes
    the policy file's keys)."""
    form = forms.AccessReviewForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "console/access_review.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if form.is_bound else {}
    events = access_events_matching(**filters)
    # The read is logged once it is made, so a page or a file never holds its own event.
    if request.GET.get("format") == "csv":
        response, rows = _access_csv(events)
        access_log_read_append(by=request.user, filters=filters, rows=rows)
        return response
    page = Paginator(events, ACCESS_PAGE).get_page(request.GET.get("page"))
    # Each event with why it was read as the customer reads it ("who has seen or changed my data"): an app's
    # read by the customer's authorisation, not the utility's purpose the gate let it read under.
    seen = seen_in_words(page.object_list)
    access_log_read_append(by=request.user, filters=filters, page=page.number)
    return render(request, "console/access_review.html", {"form": form, "page": page, "seen": seen})


def _access_csv(events) -> tuple[HttpResponse, int]:
    """The events as a CSV file, and how many rows it holds."""
    rows = 0
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="access-review-{timezone.localdate()}.csv"'
    writer = csv_writer(response)
    writer.writerow(ACCESS_COLUMNS)
    for e in events[:ACCESS_CSV_LIMIT].iterator(chunk_size=2000):
        rows += 1
        writer.writerow(
            [
                e.seq,
                timezone.localtime(e.at).isoformat(timespec="seconds"),
                e.actor_label,
                e.actor_kind,
                e.roles,
                e.on_behalf_of,
                e.action,
                e.purpose,
                e.request_id,
                e.own_request,
                e.customer_id,
                e.categories,
                e.decision,
                e.reason,
            ]
        )
    return response, rows


@page("privacy/inventory/", name="inventory")
@privacy_officer_only(_("Only the privacy officer keeps the data inventory."))
def inventory(request):
    return inventory_answer(request, "console/inventory.html")


@page("privacy/corrections/", name="correction_notices")
@privacy_officer_only(_("Only the privacy officer follows the notices of corrections."))
def correction_notices(request):
    """Every correction notice to a past recipient, the unsent first, with the date each went out."""

    notices = correction_notices_list(fetched_by=console_actor(request))
    return render(request, "console/correction_notices.html", {"notices": notices})


@page("privacy/retention/", name="retention")
@privacy_officer_only(_("Only the privacy officer oversees retention and destruction."))
def retention(request):
    """What the retention schedule has due today (the dry run), and what the runs destroyed."""

    due = [(d, citation_of(d.item)) for d in retention_due()]
    records = destruction_records(fetched_by=console_actor(request))
    schedule = current_policy().retention_schedule
    unconfirmed = [schedule[key] for key in unconfirmed_retention_items()]
    return render(
        request, "console/retention.html", {"due": due, "records": records, "unconfirmed": unconfirmed}
    )
