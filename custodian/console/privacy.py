"""The privacy officer's tools: a data request's answer as data (the package page's `?format=json`).

The file is given to the customer, who reads it and may open it with a program, so it is written for both:
every coded item is given as its `key` (the same in every file we give and in every language: for programs)
beside its `label` (the words the customer reads, in their language: for people). A data item, a service
and its unit, how a value reached us and the notice shown, who acted, why and with what outcome, a document
and its kind, the basis of a disclosure: never a bare key, never a bare label. The file says so itself
(`how_to_read`) and names each of its sections in the customer's language (`sections`); its `format` names
this layout, and changes when a key does. Dates and times are ISO 8601; quantities are numbers, with their
unit beside them.
"""

import json

from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from custodian.audit.selectors import CHANGE_LABELS, seen_in_words, who_has_seen
from custodian.casework.package_words import (
    MARKETING_WORDS,
    SIGN_IN_REF_PREFIX,
    coded,
    document_label,
    kind_in_words,
    monthly_use_coded,
    notice_words,
    service_coded,
)
from custodian.collecting.facts import FIELD as PROTECTION_FIELD
from custodian.collecting.facts import ProtectionFacts
from custodian.customers.selectors import languages_of
from custodian.disclosures.selectors import disclosures_for
from custodian.policy.loader import current_policy
from custodian.usage.services import interval_readings_held
from custodian.vault.gate import Actor, reveal, reveal_documents
from custodian.vault.masking import shown_masked
from custodian.vault.records_held import records_held
from custodian.vault.selectors import value_provenance

# The layout of the file: a program checks it before it reads the keys.
FORMAT = "custodian-data-request-answer/2"
SIGN_IN_KEY = "sign_in_email"


def _outcome(event) -> dict:
    """What came of an event: shown, changed or refused."""
    if event.action in CHANGE_LABELS:
        return coded("changed", _("changed"))
    return coded("shown", _("shown")) if event.decision == "allow" else coded("refused", _("refused"))


def _value(field: str, value: str):
    """A value as the file gives it: the monthly use by service and month, the facts for the protections
    against disconnection each with its label and its value's, the marketing choice as its key and words;
    bank details by their last four digits (as the letter shows them); anything else as held."""
    if field == "meter_usage":
        try:
            return monthly_use_coded(json.loads(value))
        except ValueError:
            return value
    if field == PROTECTION_FIELD:
        facts = ProtectionFacts.from_json(value).in_words()
        # Each fact's value is a key too: a date as written (year-month-day) beside it in words, a choice's
        # key beside its words.
        return [{**coded(key, label), "value": coded(held, words)} for key, label, held, words in facts]
    if field == "marketing_preference":
        return coded(value, MARKETING_WORDS.get(value, value))
    return shown_masked(field, value)


def _provenance(p) -> dict | None:
    if p is None:
        return None
    notice = (
        {**coded(p.notice_key, notice_words(p.notice_key)), "version": p.notice_version}
        if p.notice_key
        else {**coded(None, _("no notice shown before it")), "version": None}
    )
    return {
        "channel": coded(p.channel, p.channel_label),
        "received_at": p.received_at.isoformat(),
        "recorded_by": p.recorded_by_label,
        "notice": notice,
    }


def response_package(*, actor: Actor, customer_id: int, request_id: int, client_ip: str = "") -> dict:
    """What a data access request is answered with, as data: the data, its classification, where each value
    came from, the correspondence, the meter readings, what is kept as records (bills, ledger, agreements…),
    who accessed it and to whom it was disclosed; read through the gate (legal obligations, under the
    request), written in the customer's language."""
    with translation.override(languages_of([customer_id])[int(customer_id)]):
        return _package(actor=actor, customer_id=customer_id, request_id=request_id, client_ip=client_ip)


def _package(*, actor: Actor, customer_id: int, request_id: int, client_ip: str) -> dict:
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
    # What is kept of a category as records (the bills, the ledger, agreements…): one read of each.
    records = [t for c in policy.categories.values() for t in records_held(category=c.key, **read)]
    provenance = value_provenance(fetched_by=actor, customer_id=customer_id)
    by_field = {c.field: c for c in policy.categories.values()}
    categories = {c.key: c for c in policy.categories.values()}
    correspondence = categories.get("correspondence")

    def category(c) -> dict:
        return coded(c.key, c.in_language().label)

    data = [
        {
            **coded(f, by_field[f].in_language().label),
            "classification": coded(by_field[f].classification, _(by_field[f].classification)),
            "value": _value(f, v),
            "provenance": _provenance(provenance.get(f)),
        }
        for f, v in values.items()
    ]
    # The address they sign in to My account with is an item of their data (sealed beside their letters).
    data += [
        {
            **coded(SIGN_IN_KEY, _("E-mail address you sign in to My account with")),
            "classification": coded(correspondence.classification, _(correspondence.classification)),
            "value": d.text,
            "provenance": {
                "channel": coded("portal", _("My account, when you signed up")),
                "received_at": None,
                "recorded_by": None,
                "notice": None,
            },
        }
        for d in documents
        if d.ref.startswith(SIGN_IN_REF_PREFIX)
    ]

    def access(seen) -> dict:
        e = seen.event
        return {
            "when": e.at.isoformat(),
            "who": coded(e.roles or e.actor_kind, seen.who),
            "why": coded(e.purpose or e.action, seen.why),
            "outcome": _outcome(e),
            "emergency": bool(e.break_glass_id),
            "data": [category(categories[c]) for c in e.category_list if c in categories],
        }

    seen = who_has_seen(customer_id=customer_id, fetched_by=actor, limit=None, oldest_first=True)
    accesses = [access(s) for s in seen_in_words(seen, you=True)]
    return {
        "format": FORMAT,
        "language": get_language(),
        "how_to_read": _(
            "Each item has a key and a label. The key is a code that is the same in every file we give, "
            "for programs that read this file; the label says what it is, in your language. Dates and "
            "times are written year-month-day; amounts are numbers, with their unit beside them."
        ),
        "sections": {
            "data": _("The data we hold about you now"),
            "correspondence": _("Messages, letters and documents"),
            "meter_intervals": _("Your meter readings"),
            "records": _("Your bills, payments, requests and the other records we keep"),
            "accesses": _("Who has seen or changed your data"),
            "disclosures": _("To whom we gave your data"),
        },
        "generated_at": timezone.now().isoformat(),
        "utility": policy.utility["name"],
        "request": request_id,
        "data": data,
        "correspondence": [
            {
                "ref": d.ref,
                "label": document_label(d.ref, d.filename, d.text),
                "kind": coded(d.media_type, kind_in_words(d.media_type)),
                "filename": d.filename,
                "text": d.text if d.media_type.startswith("text/") else None,
                "bytes": len(d.content),
            }
            for d in documents
            if not d.ref.startswith(SIGN_IN_REF_PREFIX)
        ],
        "meter_intervals": [{**r, **service_coded(r["service"])} for r in intervals],
        "records": [
            {
                **coded(t.key, t.title),
                "category": category(categories[t.category]),
                "columns": t.headers,
                "rows": [r.data for r in t.records],
            }
            for t in records
        ],
        "accesses": accesses,
        "disclosures": [
            {
                "when": d.disclosed_at.isoformat(),
                "recipient": d.recipient_name,
                "address": d.recipient_address,
                "data": d.data_description,
                "categories": [category(categories[c]) for c in d.category_list if c in categories],
                "why": coded(
                    d.purpose,
                    policy.purposes[d.purpose].in_language().label
                    if d.purpose in policy.purposes
                    else d.purpose,
                ),
                "basis": {**coded(d.basis_kind, d.get_basis_kind_display()), "reference": d.basis_ref},
            }
            for d in disclosures_for(customer_id)
        ],
    }
