"""The privacy officer's tools: unusual-access flags, the public data inventory, data request packages."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.disclosures.selectors import disclosures_for
from custodian.policy.loader import current_policy
from custodian.vault.gate import Actor, reveal, reveal_documents
from custodian.vault.models import PersonalValue

UNUSUAL_DISTINCT_CUSTOMERS = 25  # reveals of this many customers without a request in the window
UNUSUAL_DENIALS = 10


@dataclass(frozen=True)
class Flag:
    actor_id: str
    actor_label: str
    kind: str
    count: int


def unusual_access(*, hours: int = 24) -> list[Flag]:
    """Staff who revealed many customers without working their requests, or were refused many times."""
    since = int((timezone.now() - timedelta(hours=hours)).timestamp() * 1_000_000)
    recent = AccessEvent.objects.filter(at_us__gte=since, actor_kind="staff")
    flags = [
        Flag(r["actor_id"], r["actor_label"], "revealed many customers without a request", r["n"])
        for r in recent.filter(decision="allow", request_id="", action="reveal")
        .values("actor_id", "actor_label")
        .annotate(n=Count("customer_id", distinct=True))
        .filter(n__gte=UNUSUAL_DISTINCT_CUSTOMERS)
    ]
    flags += [
        Flag(r["actor_id"], r["actor_label"], "was refused many times", r["n"])
        for r in recent.filter(decision="deny")
        .values("actor_id", "actor_label")
        .annotate(n=Count("id"))
        .filter(n__gte=UNUSUAL_DENIALS)
    ]
    return sorted(flags, key=lambda f: -f.count)


def data_inventory() -> dict:
    """The public inventory of private data (Minn. Stat. § 13.025), generated from the policy file."""
    policy = current_policy()
    return {
        "entity": policy.utility["name"],
        "responsible_authority": policy.utility["responsible_authority"],
        "policy_version": policy.version,
        "effective_date": policy.effective_date.isoformat(),
        "data": [
            {
                "category": c.label,
                "key": c.fides_key,
                "classification": c.classification,
                "purposes": [p.label for p in policy.purposes.values() if c.key in p.categories],
                "who_may_access": [
                    s.label
                    for s in policy.services.values()
                    if any(c.key in policy.purposes[p].categories for p in s.purposes)
                ],
                "vendors": [v.label for v in policy.vendor_functions.values() if c.key in v.categories],
            }
            for c in policy.categories.values()
        ],
        "retention": policy.retention,
    }


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
    from custodian.usage.services import interval_readings_held

    intervals = interval_readings_held(
        actor=actor,
        customer_id=customer_id,
        purpose="legal_obligations",
        request_id=request_id,
        client_ip=client_ip,
    )
    provenance = {
        v.field: {
            "channel": v.provenance.get_channel_display(),
            "received_at": v.provenance.received_at.isoformat(),
            "recorded_by": v.provenance.recorded_by_label,
            "notice": f"{v.provenance.notice_key} v{v.provenance.notice_version}"
            if v.provenance.notice_key
            else "none shown",
        }
        for v in PersonalValue.objects.filter(
            customer_id=customer_id, superseded_at__isnull=True
        ).select_related("provenance")
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
        for e in AccessEvent.objects.filter(customer_id=str(customer_id)).order_by("seq")
        if e.actor_kind != "customer"
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
