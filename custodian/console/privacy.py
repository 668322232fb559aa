"""The privacy officer's tools: unusual-access flags, the public data inventory, data request packages."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from custodian.audit.actions import SINGLE_READS
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import who_has_seen
from custodian.disclosures.selectors import disclosures_for
from custodian.policy.loader import current_policy
from custodian.transparency.inventory import data_inventory  # noqa: F401 (the console shows it too)
from custodian.usage.services import interval_readings_held
from custodian.vault.gate import Actor, reveal, reveal_documents
from custodian.vault.selectors import value_provenance

UNUSUAL_DISTINCT_CUSTOMERS = 25  # customers read one at a time without a request, in the window
UNUSUAL_DENIALS = 10
UNUSUAL_OWN_REQUEST_CUSTOMERS = 10  # customers read through requests the reader entered themselves


@dataclass(frozen=True)
class Flag:
    actor_kind: str
    actor_id: str
    actor_label: str
    kind: str
    count: int


def _flags(events, kind: str, threshold: int, distinct_customers: bool = True) -> list[Flag]:
    counted = Count("customer_id", distinct=True) if distinct_customers else Count("seq")
    return [
        Flag(r["actor_kind"], r["actor_id"], r["actor_label"], kind, r["n"])
        for r in events.values("actor_kind", "actor_id", "actor_label")
        .annotate(n=counted)
        .filter(n__gte=threshold)
    ]


def unusual_access(*, hours: int = 24) -> list[Flag]:
    """Who looks unusual in the access log of the last `hours`: staff, system jobs and vendors alike.

    - many customers read one at a time without a request (staff, and system jobs that read through the API);
    - many refusals (anyone but customers);
    - a vendor reading customers one at a time at all (vendors receive only their exports);
    - many customers read through requests the reader entered themselves (a staff member can take a call and
      open the request that lets them read: legitimate, and counted).
    """
    since = int((timezone.now() - timedelta(hours=hours)).timestamp() * 1_000_000)
    recent = AccessEvent.objects.filter(at_us__gte=since).exclude(actor_kind="customer")
    api_jobs = [k for k, j in current_policy().system_jobs.items() if j.api_client]
    one_by_one = recent.filter(decision="allow", request_id="", action__in=SINGLE_READS).filter(
        Q(actor_kind="staff") | Q(actor_kind="system", actor_id__in=api_jobs)
    )
    flags = _flags(
        one_by_one, "read many customers one at a time without a request", UNUSUAL_DISTINCT_CUSTOMERS
    )
    flags += _flags(recent.filter(decision="deny"), "was refused many times", UNUSUAL_DENIALS, False)
    flags += _flags(
        recent.filter(actor_kind="vendor", action__in=SINGLE_READS),
        "tried to read customers one at a time (vendors receive only their exports)",
        1,
        False,
    )
    flags += _flags(
        recent.filter(actor_kind="staff", decision="allow", own_request="yes"),
        "read customers through requests they entered themselves",
        UNUSUAL_OWN_REQUEST_CUSTOMERS,
    )
    return sorted(flags, key=lambda f: -f.count)


def response_package(*, actor: Actor, customer_id: int, request_id: int, client_ip: str = "") -> dict:
    """What a data access request is answered with: the data, its classification, where each value came
    from, who accessed it and to whom it was disclosed. Read through the gate (legal obligations)."""
    policy = current_policy()
    fields = [c.field for c in policy.categories.values() if c.key != "correspondence"]
    values = reveal(
        actor=actor,
        customer_id=customer_id,
        fields=fields,
        purpose="legal_obligations",
        request_id=request_id,
        client_ip=client_ip,
    )
    documents = reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category="correspondence",
        ref_prefix="",
        purpose="legal_obligations",
        request_id=request_id,
        client_ip=client_ip,
    )

    intervals = interval_readings_held(
        actor=actor,
        customer_id=customer_id,
        purpose="legal_obligations",
        request_id=request_id,
        client_ip=client_ip,
    )
    provenance = {
        field: {
            "channel": p.get_channel_display(),
            "received_at": p.received_at.isoformat(),
            "recorded_by": p.recorded_by_label,
            "notice": f"{p.notice_key} v{p.notice_version}" if p.notice_key else "none shown",
        }
        for field, p in value_provenance(fetched_by=actor, customer_id=customer_id).items()
    }
    by_field = {c.field: c for c in policy.categories.values()}
    accesses = [
        {
            "when": e.at.isoformat(),
            "who": e.roles or e.actor_kind,
            "purpose": e.purpose,
            "decision": e.decision,
            "data": e.category_list,
        }
        for e in who_has_seen(customer_id=customer_id, fetched_by=actor, limit=None, oldest_first=True)
    ]
    package = {
        "generated_at": timezone.now().isoformat(),
        "utility": policy.utility["name"],
        "data": [
            {
                "category": by_field[f].label,
                "classification": by_field[f].classification,
                "value": json.loads(v) if f == "meter_usage" else v,
                "provenance": provenance.get(f),
            }
            for f, v in values.items()
        ],
        "correspondence": [
            {
                "ref": d.ref,
                "filename": d.filename,
                "media_type": d.media_type,
                "text": d.text if d.media_type.startswith("text/") else f"({len(d.content)} bytes)",
            }
            for d in documents
        ],
        "meter_intervals": intervals,
        "accesses": accesses,
        "disclosures": [
            {
                "when": d.disclosed_at.isoformat(),
                "recipient": d.recipient_name,
                "address": d.recipient_address,
                "data": d.data_description,
                "purpose": d.purpose,
                "basis": f"{d.get_basis_kind_display()} ({d.basis_ref})",
            }
            for d in disclosures_for(customer_id)
        ],
    }
    return package
