"""The disclosure workflow: a disclosure to a named recipient under consent or legal authority, or refused
with the refusal recorded (on a connection of its own, so the caller's rollback keeps it).

The package is written in clear and downloaded by the privacy officer, who reads it before it goes: bank
details in it are masked to their last four digits (custodian.vault.masking), as on every page and in every
letter. Only the bank's debit file, encrypted to the bank, carries the whole number."""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.audit.events import record_surviving
from custodian.audit.selectors import disclosure_reason
from custodian.customers.models import Customer
from custodian.disclosures.models import (
    Consent,
    DisclosureRequest,
    LegalAuthority,
)
from custodian.disclosures.periods import consent_period, gives_dated, values_in_period
from custodian.disclosures.sealed import consent_as_sealed
from custodian.disclosures.services.accounting import (
    categories_checked,
    disclosure_entries_record,
    reviews_access_of,
)
from custodian.disclosures.services.consents import consent_words
from custodian.disclosures.services.disagreements import disagreement_texts
from custodian.policy.loader import current_policy
from custodian.vault.gate import Denied, reveal_many, system_actor
from custodian.vault.masking import masked


class DisclosureRefused(Exception):
    """The disclosure was refused; the refusal is recorded with this reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Disclosure:
    request: DisclosureRequest
    package: bytes  # JSON of the data disclosed, for the recipient


# The reasons recorded for a consent that does not stand at the disclosure (`Consent.lapse`).
_LAPSE_WORDS = {
    "not_signed": "the consent does not predate the disclosure",
    "revoked": "the consent was revoked",
    "expired": "the consent expired",
    "period_ended": "the consent's period has ended",
}


def _consent_covers(
    consent: Consent,
    words,
    *,
    recipient: str,
    categories: list[str],
    purpose: str,
    at: datetime,
    is_sale: bool,
) -> str | None:
    """None if the consent covers the disclosure, else why not (never quoting the consent's sealed words)."""
    if words.recipient_name.strip().lower() != recipient.strip().lower():
        return "the consent names another recipient"
    if not set(categories) <= set(consent.category_list):
        return "the consent does not cover all the data asked for"
    if words.purpose.strip().lower() != purpose.strip().lower():
        return "the consent is for another purpose"
    if consent.signed_at >= at:
        return "the consent does not predate the disclosure"
    lapse = consent.lapse(at)
    if lapse is not None:
        return _LAPSE_WORDS[lapse]
    if why := consent_as_sealed(consent):
        return f"the consent can't be relied on: {why}"
    if is_sale and not consent.allows_sale:
        return "a sale (or disclosure for payment) needs a consent that names sale explicitly"
    return None


def _customer_part(cid: int, values: dict[str, str], period, categories: list[str]) -> dict:
    """One customer's part of the package: their values (bank details masked); under a consent (`period`),
    a dated category cut to the consent's period and the categories of which nothing falls in it named
    (never a value from outside the period in their place)."""
    if period is None:
        return {"customer": cid, **masked(values)}
    fields = {current_policy().categories[c].field: c for c in categories}
    given, nothing = values_in_period(period, values, fields)
    return {"customer": cid, **masked(given), **({"nothing_in_the_period": nothing} if nothing else {})}


def _refuse(*, reason: str, **record) -> DisclosureRefused:
    """Record the refusal so that it stays whatever the caller's transaction does next (the caller usually
    rolls back because of it), and return the exception to raise."""

    record_surviving(
        lambda alias: DisclosureRequest.objects.using(alias).create(
            outcome="refused", reason=reason[:500], **record
        )
    )
    return DisclosureRefused(reason)


def disclosure_check(**asked) -> None:
    """Whether `disclose` with the same arguments would be allowed now, checked before the privacy officer is
    asked to confirm it: a refusal is recorded with its reason and raised, as `disclose` does. Nothing is
    disclosed."""
    disclose(check_only=True, **asked)


def disclose(
    *,
    requested_by,
    customer_ids,
    recipient_name: str,
    recipient_address: str,
    categories,
    purpose: str,
    basis_kind: str,
    basis_id: int,
    is_sale: bool = False,
    client_ip: str = "",
    check_only: bool = False,
) -> Disclosure | None:
    """Disclose data about one or many customers to a third party: check the basis for every customer, read
    through the gate, produce the package, and account for it per customer, all in one transaction.
    Only the privacy officer discloses. A refusal is recorded with its reason and raised. `check_only`: stop
    once every check has passed, disclosing nothing (`disclosure_check`)."""

    policy = current_policy()
    ids = sorted({int(c) for c in customer_ids})
    cats = categories_checked(categories)
    record = dict(
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        categories=",".join(cats),
        purpose=purpose.strip(),
        basis_kind=basis_kind,
        basis_ref=str(basis_id),
        is_sale=is_sale,
        customer_count=len(ids),
        requested_by=requested_by,
    )
    now = timezone.now()
    if not reviews_access_of(requested_by):
        raise _refuse(reason="only the privacy officer discloses to third parties", **record)
    if not ids:
        raise _refuse(reason="no customers named", **record)
    if Customer.objects.filter(pk__in=ids).count() != len(ids):
        raise _refuse(reason="some of the customers do not exist", **record)
    if basis_kind == "consent":
        consents = {
            c.customer_id: c for c in Consent.objects.select_related("revocation").filter(pk=basis_id)
        }
        if len(ids) != 1:
            # One consent is one customer's act: several customers need one disclosure each.
            raise _refuse(
                reason="a consent covers one customer; disclose for each customer separately", **record
            )
        consent = consents.get(ids[0])
        if consent is None:
            raise _refuse(reason="no consent of this customer with that id", **record)

        try:
            words = consent_words(
                actor=system_actor("disclosures", on_behalf_of=requested_by),
                customer_id=consent.customer_id,
                purpose="legal_obligations",
                ref=consent.sealed_ref,
                client_ip=client_ip,
            ).get(consent.sealed_ref)
        except Denied as exc:
            raise _refuse(reason=f"the gate refused reading the consent: {exc.reason}", **record) from None
        if words is None:
            raise _refuse(reason="the consent's words are no longer held", **record)
        why = _consent_covers(
            consent,
            words,
            recipient=recipient_name,
            categories=cats,
            purpose=purpose,
            at=now,
            is_sale=is_sale,
        )
        if why:
            raise _refuse(reason=why, **record)
        basis_ref, approver = f"consent {consent.pk}", None
        # What the consent covers of dated data: every dated category is cut to its period.
        period = consent_period(consent)
    elif basis_kind == "legal_authority":
        authority = LegalAuthority.objects.filter(pk=basis_id).first()
        if authority is None:
            raise _refuse(reason="no such legal authority", **record)
        if is_sale:
            raise _refuse(reason="legal authority never covers a sale", **record)
        if authority.valid_until < timezone.localdate():
            raise _refuse(reason="the legal authority is no longer valid", **record)
        if authority.awaits_second_approver:
            raise _refuse(reason="the legal authority waits for its second approver to approve it", **record)
        if authority.requester.strip().lower() != recipient_name.strip().lower():
            raise _refuse(reason="the legal authority names another recipient", **record)
        covered = set(authority.customers.values_list("pk", flat=True))
        if not set(ids) <= covered:
            raise _refuse(reason="the legal authority does not cover all these customers", **record)
        if not set(cats) <= set(authority.category_list):
            raise _refuse(reason="the legal authority does not cover all the data asked for", **record)
        basis_ref, approver = f"{authority.get_kind_display()}: {authority.citation}", authority.approved_by
        period = None
    else:
        raise _refuse(reason=f"unknown basis {basis_kind!r} (vendors receive data through exports)", **record)
    if check_only:
        return None
    fields = [policy.categories[c].field for c in cats]
    with transaction.atomic():
        try:
            values = reveal_many(
                actor=system_actor("disclosures", on_behalf_of=requested_by),
                customer_ids=ids,
                fields=fields,
                purpose="legal_obligations",
                client_ip=client_ip,
                action=Action.DISCLOSURE,
                # The customer's "who has seen my data" says to whom and on what basis it was given.
                what_for=disclosure_reason(recipient_name.strip(), basis_kind),
            )
        except Denied as exc:
            raise _refuse(reason=f"the gate refused: {exc.reason}", **record) from None
        # Data in dispute goes out only with the customer's statement of disagreement (§ 13.04 subd. 4(a)).
        statements = disagreement_texts(
            customer_ids=ids, categories=cats, on_behalf_of=requested_by, client_ip=client_ip
        )
        dated = period is not None and gives_dated(cats)
        package = json.dumps(
            {
                "from": policy.utility["name"],
                "to": recipient_name,
                "purpose": purpose,
                "basis": basis_ref,
                **({"period": period.as_data() | {"covers": period.record_words()}} if dated else {}),
                "disclosed_at": now.isoformat(),
                "sale": is_sale,
                "customers": [_customer_part(cid, values[cid], period, cats) for cid in ids],
                "statements_of_disagreement": statements,
            },
            indent=2,
        ).encode()
        period_words = period.record_words() if dated else ""
        disclosure_entries_record(
            customer_ids=ids,
            recipient_name=recipient_name,
            recipient_address=recipient_address,
            categories=cats,
            purpose=purpose,
            basis_kind=basis_kind,
            basis_ref=basis_ref,
            approved_by=approver or requested_by,
            disclosed_at=now,
            period=period_words,
        )
        reason = f"{basis_ref}; {period_words}" if period_words else basis_ref
        request = DisclosureRequest.objects.create(
            outcome="disclosed", reason=reason[:500], **{**record, "basis_ref": basis_ref[:100]}
        )
    return Disclosure(request=request, package=package)
