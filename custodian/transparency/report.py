"""The annual privacy report, generated from the records (counts only, nothing about any one person): every
kind of request and its timeliness, how the people behind data requests were verified and how repeats were
answered, accuracy challenges and what became of them (corrections and the notices to past recipients, data
found accurate, meter readings re-read or adjusted, statements of disagreement), authorised representatives,
consents, the letters and e-mails sent, disclosures by basis (and refusals), incidents, vendor
determinations, destruction under the retention schedule and erasure requests, emergency access and its
review, bulk reads held."""

from datetime import date, datetime, time

from django.db.models import Count, Sum
from django.utils import timezone

from custodian.casework.models import (
    CustomerRequest,
    Representative,
    RequestEvent,
    RequestKind,
    Verification,
)
from custodian.disclosures.models import (
    Consent,
    ConsentRevocation,
    CorrectionNotice,
    Disagreement,
    DisclosureEntry,
    DisclosureRequest,
    Vendor,
    VendorDetermination,
)
from custodian.disclosures.services import current_determination
from custodian.incidents.models import Incident, SecurityAssessment
from custodian.outbox.models import Channel, OutboundMessage
from custodian.policy.loader import current_policy
from custodian.retention.models import DestructionRecord, ErasureRecord
from custodian.vault.models import BreakGlassGrant, ReadHold

# The requests about people's data under the Government Data Practices Act, first; then every other kind.
SUBJECT_REQUESTS = ("data_access", "correction", "privacy_question")
EVERY_REQUEST = (*SUBJECT_REQUESTS, *(k for k in RequestKind.values if k not in SUBJECT_REQUESTS))


def _bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    return start, end


def _requests_with(events, action: str, **more) -> int:
    return events.filter(action=action, **more).values("request").distinct().count()


def _rights(start: datetime, end: datetime, as_of: date) -> dict:
    """What the rights workflows recorded in the year: each count from the request's history or its own
    records, never from any one person's data."""
    events = RequestEvent.objects.filter(at__gte=start, at__lt=end)
    data_requests = CustomerRequest.objects.filter(
        kind__in=[RequestKind.DATA_ACCESS, RequestKind.CORRECTION], opened_at__gte=start, opened_at__lt=end
    )
    verified = dict(
        data_requests.exclude(verification="")
        .values_list("verification")
        .annotate(n=Count("id"))
        .values_list("verification", "n")
    )
    meter_routed = RequestEvent.objects.filter(action="meter_challenge").values("request")
    notices = CorrectionNotice.objects.all()
    representatives = Representative.objects.all()
    return {
        "data_requests": {
            "verified_by": [
                {"method": str(Verification(v).label), "requests": verified[v]}
                for v in Verification.values
                if verified.get(v)
            ],
            "verifications_failed": events.filter(action="not_verified").count(),
            "answered_by_letter": CustomerRequest.objects.filter(
                kind=RequestKind.DATA_ACCESS, answered_at__gte=start, answered_at__lt=end
            ).count(),
            "repeats_answered_with_what_is_new": _requests_with(events, "repeat"),
            "repeats_answered_in_full": _requests_with(events, "in_full"),
        },
        "accuracy_challenges": {
            "corrected": _requests_with(events, "corrected"),
            "found_accurate": events.filter(action="disputed").exclude(request__in=meter_routed).count(),
            "meter_sent_to_reread": _requests_with(events, "meter_challenge", reason__startswith="reread"),
            "meter_sent_to_adjustment": _requests_with(
                events, "meter_challenge", reason__startswith="adjustment"
            ),
            "meter_readings_confirmed": _requests_with(events, "meter_result", reason="confirmed"),
            "meter_readings_corrected": _requests_with(events, "meter_result", reason="corrected"),
            "statements_of_disagreement": Disagreement.objects.filter(
                recorded_at__gte=start, recorded_at__lt=end
            ).count(),
            "correction_notices_sent": notices.filter(sent_at__gte=start, sent_at__lt=end).count(),
            "correction_notices_waiting": notices.filter(
                created_at__gte=start, created_at__lt=end, sent_at__isnull=True
            ).count(),
        },
        "representatives": {
            "registered": representatives.filter(registered_at__gte=start, registered_at__lt=end).count(),
            "verified": representatives.filter(verified_at__gte=start, verified_at__lt=end).count(),
            "revoked": representatives.filter(revoked_at__gte=start, revoked_at__lt=end).count(),
            "in_force": sum(
                1 for r in representatives.filter(revoked_at__isnull=True) if r.is_current(as_of)
            ),
        },
        "consents": {
            "given": Consent.objects.filter(signed_at__gte=start, signed_at__lt=end).count(),
            "revoked": ConsentRevocation.objects.filter(revoked_at__gte=start, revoked_at__lt=end).count(),
        },
        "messages": {
            "letters": OutboundMessage.objects.filter(
                channel=Channel.LETTER, created_at__gte=start, created_at__lt=end
            ).count(),
            "emails": OutboundMessage.objects.filter(
                channel=Channel.EMAIL, created_at__gte=start, created_at__lt=end
            ).count(),
            "bounced": OutboundMessage.objects.filter(bounced_at__gte=start, bounced_at__lt=end).count(),
        },
    }


def privacy_report(*, year: int) -> dict:

    policy = current_policy()
    start, end = _bounds(year)
    last_day = date(year, 12, 31)
    today = timezone.localdate()
    as_of = min(last_day, today)

    requests = []
    for kind in EVERY_REQUEST:
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
                "kind": str(RequestKind(kind).label),
                "key": kind,
                "about_peoples_data": kind in SUBJECT_REQUESTS,
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

    # A determination is made when its second person approves it (one waiting or declined never took effect).
    determinations = VendorDetermination.objects.filter(
        decision__approved=True, decision__decided_at__gte=start, decision__decided_at__lt=end
    )
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
        **_rights(start, end, as_of),
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
