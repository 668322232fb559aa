"""The annual privacy report, generated from the records (counts only, nothing about any one person): data
requests and their timeliness, disclosures by basis (and refusals), incidents, vendor determinations,
destruction under the retention schedule and erasure requests, emergency access and its review."""

from datetime import date, datetime, time

from django.db.models import Count, Sum
from django.utils import timezone

from custodian.casework.models import CustomerRequest, RequestKind
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, Vendor, VendorDetermination
from custodian.disclosures.services import current_determination
from custodian.incidents.models import Incident, SecurityAssessment
from custodian.policy.loader import current_policy
from custodian.retention.models import DestructionRecord, ErasureRecord
from custodian.vault.models import BreakGlassGrant, ReadHold

SUBJECT_REQUESTS = ("data_access", "correction", "privacy_question")


def _bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    return start, end


def privacy_report(*, year: int) -> dict:

    policy = current_policy()
    start, end = _bounds(year)
    last_day = date(year, 12, 31)
    today = timezone.localdate()
    as_of = min(last_day, today)

    requests = []
    for kind in SUBJECT_REQUESTS:
        received = CustomerRequest.objects.filter(kind=kind, opened_at__gte=start, opened_at__lt=end)
        closed = received.filter(closed_at__isnull=False)
        on_time = sum(
            1
            for r in closed.only("closed_at", "due_on")
            if r.due_on is None or timezone.localdate(r.closed_at) <= r.due_on
        )
        still_open = received.filter(closed_at__isnull=True)
        requests.append(
            {
                "kind": RequestKind(kind).label,
                "received": received.count(),
                "answered_on_time": on_time,
                "answered_late": closed.count() - on_time,
                "open": still_open.count(),
                "open_overdue": still_open.filter(due_on__lt=as_of).count(),
            }
        )

    entries = DisclosureEntry.objects.filter(disclosed_at__gte=start, disclosed_at__lt=end)
    labels = {
        "consent": "The customer's prior written consent",
        "legal_authority": "Authorized or required by law",
        "vendor_determination": "Vendor determination (public welfare)",
    }
    disclosures = [
        {"basis": labels.get(r["basis_kind"], r["basis_kind"]), "entries": r["n"], "customers": r["people"]}
        for r in entries.values("basis_kind")
        .annotate(n=Count("id"), people=Count("customer_id", distinct=True))
        .order_by("basis_kind")
    ]
    decided = DisclosureRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)

    incidents = Incident.objects.filter(opened_at__gte=start, opened_at__lt=end)
    incident_rows = {
        "opened": incidents.count(),
        "breaches": incidents.filter(determination=Incident.Determination.BREACH).count(),
        "not_breaches": incidents.filter(determination=Incident.Determination.NOT_BREACH).count(),
        "undetermined": incidents.filter(determination="").count(),
        "people_written_to": sum(i.affected.filter(notice__isnull=False).count() for i in incidents),
        "reports_completed": incidents.filter(report_completed_at__isnull=False).count(),
        "agencies_notified": incidents.filter(agencies_notified_at__isnull=False).count(),
    }
    assessments = SecurityAssessment.objects.filter(performed_on__year=year).order_by("performed_on")

    determinations = VendorDetermination.objects.filter(decided_at__gte=start, decided_at__lt=end)
    vendors = list(Vendor.objects.all())
    current_vendors = [v for v in vendors if current_determination(v, on=as_of) is not None]

    destruction = [
        {
            "item": policy.retention_schedule[r["schedule_item"]].label
            if r["schedule_item"] in policy.retention_schedule
            else r["schedule_item"],
            "count": r["n"] or 0,
            "runs": r["runs"],
        }
        for r in DestructionRecord.objects.filter(destroyed_at__gte=start, destroyed_at__lt=end)
        .values("schedule_item")
        .annotate(n=Sum("count"), runs=Count("run", distinct=True))
        .order_by("schedule_item")
    ]
    grants = BreakGlassGrant.objects.filter(opened_at__gte=start, opened_at__lt=end)
    holds = ReadHold.objects.filter(opened_at__gte=start, opened_at__lt=end)
    return {
        "utility": policy.utility["name"],
        "year": year,
        "as_of": as_of.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "policy_version": policy.version,
        "requests": requests,
        "disclosures": disclosures,
        "disclosures_refused": decided.filter(outcome="refused").count(),
        "incidents": incident_rows,
        "security_assessments": [a.performed_on.isoformat() for a in assessments],
        "vendor_determinations": determinations.count(),
        "vendors_with_current_determination": len(current_vendors),
        "destruction": destruction,
        "erasure_requests": ErasureRecord.objects.filter(
            carried_out_at__gte=start, carried_out_at__lt=end
        ).count(),
        "emergency_access": {
            "opened": grants.count(),
            "reviewed": grants.filter(reviewed_at__isnull=False).count(),
        },
        "held_reads": {
            "held": holds.count(),
            "approved": holds.filter(status=ReadHold.Status.APPROVED).count(),
            "refused": holds.filter(status=ReadHold.Status.REFUSED).count(),
        },
    }
