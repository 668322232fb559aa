"""The privacy officer's tools: data request packages."""

import json

from django.utils import timezone

from custodian.audit.selectors import who_has_seen
from custodian.disclosures.selectors import disclosures_for
from custodian.policy.loader import current_policy
from custodian.usage.services import interval_readings_held
from custodian.vault.gate import Actor, reveal, reveal_documents
from custodian.vault.masking import shown_masked
from custodian.vault.selectors import value_provenance


def response_package(*, actor: Actor, customer_id: int, request_id: int, client_ip: str = "") -> dict:
    """What a data access request is answered with: the data, its classification, where each value came
    from, who accessed it and to whom it was disclosed. Read through the gate (legal obligations)."""
    policy = current_policy()
    fields = [c.field for c in policy.categories.values() if c.key != "correspondence"]
    # Every read of the package is the same read: this request, for the law's obligation to answer it.
    read = {
        "actor": actor,
        "customer_id": customer_id,
        "purpose": "legal_obligations",
        "request_id": request_id,
        "client_ip": client_ip,
    }
    values = reveal(**read, fields=fields)
    documents = reveal_documents(**read, category="correspondence", ref_prefix="")
    intervals = interval_readings_held(**read)
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
                # As the letter shows it: bank details by their last four digits (the customer sees them in
                # full in the portal's download, after re-entering their password).
                "value": json.loads(v) if f == "meter_usage" else shown_masked(f, v),
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
