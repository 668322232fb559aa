"""The privacy officer's pages: the home page with what waits for a decision, the review of emergency access,
the access review, the data inventory and the retention schedule."""

from datetime import datetime
from datetime import time as dtime

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodian.audit.selectors import access_events
from custodian.casework.selectors import subject_requests_open
from custodian.console import forms
from custodian.console.access import console_actor, privacy_officer_only
from custodian.console.privacy import data_inventory
from custodian.disclosures.selectors import correction_notices_list
from custodian.incidents.selectors import unusual_access
from custodian.retention.selectors import destruction_records
from custodian.retention.services import citation_of, retention_due
from custodian.vault.gate import break_glass_review, break_glass_review_queue
from custodian.vault.services import NotAllowed


@privacy_officer_only
def privacy_home(request):
    actor = console_actor(request)
    return render(
        request,
        "console/privacy_home.html",
        {
            "subject_requests": subject_requests_open(fetched_by=actor),
            "break_glass": break_glass_review_queue(),
            "flags": unusual_access(fetched_by=actor),
            "review_form": forms.ReviewForm(),
        },
    )


@privacy_officer_only
@require_POST
def break_glass_review_view(request, grant_id):
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            break_glass_review(grant_id=grant_id, reviewer=request.user, note=form.cleaned_data["note"])
        except (ValueError, NotAllowed) as exc:
            messages.error(request, str(exc))
        except ObjectDoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, "Review recorded.")
    else:
        messages.error(request, "A review needs a finding.")
    return redirect("console:privacy")


@privacy_officer_only
def access_review(request):
    form = forms.AccessReviewForm(request.GET or None)
    events = []
    if form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        events = access_events(
            customer_id=d["customer_id"],
            actor_kind=d["actor_kind"] or None,
            actor_id=d["actor_id"] or None,
            purpose=d["purpose"] or None,
            own_request=d["own_request"],
            since=datetime.combine(d["since"], dtime.min, tz) if d["since"] else None,
            until=datetime.combine(d["until"], dtime.max, tz) if d["until"] else None,
            limit=500,
        )
    return render(request, "console/access_review.html", {"form": form, "events": events})


@privacy_officer_only
def inventory(request):
    data = data_inventory()
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"indent": 2})
    return render(request, "console/inventory.html", {"inventory": data})


@privacy_officer_only
def correction_notices(request):
    """Every correction notice to a past recipient, the unsent first, with the date each went out."""

    notices = correction_notices_list(fetched_by=console_actor(request))
    return render(request, "console/correction_notices.html", {"notices": notices})


@privacy_officer_only
def retention(request):
    """What the retention schedule has due today (the dry run), and what the runs destroyed."""

    due = [(d, citation_of(d.item)) for d in retention_due()]
    records = destruction_records(fetched_by=console_actor(request))
    return render(request, "console/retention.html", {"due": due, "records": records})
