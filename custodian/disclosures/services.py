"""Writes to the accounting of disclosures: one entry per customer, in the disclosure's transaction."""

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from custodian.audit.events import append_change, record_surviving
from custodian.customers.models import Customer
from custodian.disclosures import signals
from custodian.disclosures.models import (
    Consent,
    ConsentRevocation,
    DisclosureEntry,
    DisclosureRequest,
    LegalAuthority,
    Vendor,
    VendorDetermination,
)
from custodian.netaddr import recorded_address
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of
from custodian.vault.gate import Denied, reveal_many, system_actor
from custodian.vault.services import Submission, document_seal


class AccountingError(ValueError):
    pass


@transaction.atomic
def disclosure_entries_record(
    *,
    customer_ids: Sequence[int],
    recipient_name: str,
    recipient_address: str,
    categories: Sequence[str],
    purpose: str,
    basis_kind: str,
    basis_ref: str,
    approved_by=None,
    disclosed_at: datetime | None = None,
) -> int:
    """Account for one disclosure of `categories` about each customer to one recipient."""
    policy = current_policy()
    unknown = [c for c in categories if c not in policy.categories]
    if unknown or not categories:
        raise AccountingError(f"unknown or no categories: {unknown}")
    if not purpose.strip():
        raise AccountingError("a disclosure needs its purpose")
    if basis_kind not in {"consent", "legal_authority", "vendor_determination"} or not basis_ref.strip():
        raise AccountingError(
            "a disclosure needs its basis: consent, legal authority or vendor determination, with a reference"
        )
    if not recipient_name.strip():
        raise AccountingError("a disclosure needs the recipient's name")
    labels = ", ".join(policy.categories[c].label for c in categories)
    when = disclosed_at or timezone.now()
    columns = (
        "customer_id",
        "disclosed_at",
        "recipient_name",
        "recipient_address",
        "data_description",
        "categories",
        "purpose",
        "basis_kind",
        "basis_ref",
        "approved_by_id",
        "created_at",
    )
    common = [
        when,
        recipient_name.strip(),
        recipient_address.strip(),
        labels[:500],
        ",".join(sorted(categories)),
        purpose,
        basis_kind,
        basis_ref.strip(),
        approved_by.pk if approved_by else None,
        timezone.now(),
    ]
    table = DisclosureEntry._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    # executemany in slices: a million-customer export neither builds a million model objects nor holds them
    # in memory, and stays one transaction. Values go through the database adapter (no string building).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: a million entries in seconds
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for cid in customer_ids:
                    copy.write_row([cid, *common])
        else:
            for start in range(0, len(customer_ids), 5000):
                cursor.executemany(sql, [[cid, *common] for cid in customer_ids[start : start + 5000]])
    return len(customer_ids)


# --- consents, legal authority, vendors, and the disclosure workflow ------------------------------------


class DisclosureRefused(Exception):
    """The disclosure was refused; the refusal is recorded with this reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_categories(categories) -> list[str]:
    policy = current_policy()
    cats = sorted(set(categories))
    unknown = [c for c in cats if c not in policy.categories]
    if unknown or not cats:
        raise AccountingError(f"unknown or no categories: {unknown}")
    return cats


def _reviews_access(user) -> bool:
    return reviews_access(services_of(user))


@transaction.atomic
def consent_record(
    *,
    customer,
    recipient_name: str,
    recipient_contact: str,
    categories,
    purpose: str,
    covers_from: date,
    covers_until: date | None = None,
    expires_on: date | None = None,
    allows_sale: bool = False,
    signed_at: datetime,
    method: str,
    text_shown: str = "",
    signer_ip: str = "",
    verified_by=None,
    scan: bytes | None = None,
    scan_name: str = "",
) -> Consent:
    """Record a signed consent. Paper: a staff member verified the signature and the scan is sealed in the
    vault. Electronic: the customer's own act in the portal, with the exact text shown and the network it
    came from (the address masked to /24 or /48)."""

    cats = _check_categories(categories)
    if not recipient_name.strip() or not recipient_contact.strip() or not purpose.strip():
        raise AccountingError("a consent names the recipient, how to reach them, and the purpose")
    if method == "paper":
        if verified_by is None or not scan:
            raise AccountingError(
                "a paper consent needs its scan and the staff member who verified the signature"
            )
    elif method == "electronic":
        if not text_shown.strip():
            raise AccountingError("an electronic consent keeps the exact text the customer agreed to")
    else:
        raise AccountingError(f"unknown signing method {method!r}")
    scan_ref = ""
    if method == "paper":
        # Sealed first, under a fresh reference: the consent row is append-only once written.
        scan_ref = f"consent-scan:{secrets.token_hex(8)}"
        document_seal(
            customer_id=customer.pk,
            category="correspondence",
            ref=scan_ref,
            content=scan,
            media_type="application/pdf",
            filename=scan_name or "consent.pdf",
            submission=Submission(
                channel="paper",
                notice_key="account_application",
                recorded_by=verified_by,
                recorded_by_label=verified_by.get_full_name() or verified_by.get_username(),
            ),
        )
    consent = Consent.objects.create(
        customer=customer,
        recipient_name=recipient_name.strip(),
        recipient_contact=recipient_contact.strip(),
        categories=",".join(cats),
        purpose=purpose.strip(),
        covers_from=covers_from,
        covers_until=covers_until,
        expires_on=expires_on,
        allows_sale=allows_sale,
        terms=current_policy().disclosure_bases["prior_written_consent"]["terms"],
        method=method,
        signed_at=signed_at,
        text_shown=text_shown,
        # The customer's address, masked as analytics masks it: it shows where the consent came from
        # without being a second copy of the customer's address outside the vault.
        signer_ip=recorded_address(signer_ip, customer=True),
        verified_by=verified_by,
        scan_ref=scan_ref,
    )
    _log_consent_change("consent_given", consent, verified_by, f"{method} consent {consent.pk}")
    return consent


def _log_consent_change(action: str, consent: Consent, staff, reason: str) -> None:
    """A consent given or revoked is a change to what the utility may do with the customer's data: an event
    in the access log, in the same transaction."""

    if staff is not None:
        who = {
            "actor_kind": "staff",
            "actor_id": str(staff.pk),
            "actor_label": staff.get_username(),
            "roles": ",".join(sorted(services_of(staff))),
        }
    else:
        who = {"actor_kind": "customer", "actor_id": str(consent.customer_id), "actor_label": "the customer"}
    append_change(
        action=action,
        customer_ids=[consent.customer_id],
        categories=consent.category_list,
        reason=reason,
        **who,
    )


@transaction.atomic
def consent_revoke(
    *, consent: Consent, how: str, recorded_by=None, at: datetime | None = None
) -> ConsentRevocation:
    if ConsentRevocation.objects.filter(consent=consent).exists():
        raise AccountingError("this consent was already revoked")
    revocation = ConsentRevocation.objects.create(
        consent=consent, revoked_at=at or timezone.now(), how=how, recorded_by=recorded_by
    )
    _log_consent_change("consent_revoked", consent, recorded_by, f"consent {consent.pk} revoked")
    return revocation


@transaction.atomic
def legal_authority_record(
    *,
    kind: str,
    citation: str,
    requester: str,
    requester_address: str = "",
    document: bytes,
    document_name: str,
    customer_ids,
    categories,
    valid_until: date,
    approved_by,
    second_approver=None,
    statute_release: str = "",
    is_law_enforcement: bool = False,
) -> LegalAuthority:
    """A subpoena, court order or statutory release, approved by the privacy officer (and, for law
    enforcement, by a second approver from the privacy officer or legal)."""
    policy = current_policy()
    cats = _check_categories(categories)
    if kind not in {k for k, _ in LegalAuthority.KINDS}:
        raise AccountingError(f"unknown kind of legal authority {kind!r}")
    if kind == "statute":
        releases = policy.disclosure_bases["legal_authority"]["release_list"]
        if statute_release not in releases:
            raise AccountingError("a statutory release names an entry of the § 13.685 release list")
    if not document:
        raise AccountingError("keep the document (subpoena, order or request letter)")
    if not _reviews_access(approved_by):
        raise AccountingError("the privacy officer approves disclosures under legal authority")
    if is_law_enforcement:
        if second_approver is None or second_approver.pk == approved_by.pk:
            raise AccountingError("a law enforcement request needs a second approver")
        if not ({"privacy_officer", "legal"} & services_of(second_approver)):
            raise AccountingError("the second approver is from the privacy office or legal")
    authority = LegalAuthority.objects.create(
        kind=kind,
        citation=citation.strip(),
        statute_release=statute_release,
        is_law_enforcement=is_law_enforcement,
        requester=requester.strip(),
        requester_address=requester_address.strip(),
        document_name=document_name,
        document=document,
        document_sha256=hashlib.sha256(document).hexdigest(),
        categories=",".join(cats),
        valid_until=valid_until,
        approved_by=approved_by,
        second_approver=second_approver,
    )
    authority.customers.set(list(customer_ids))
    return authority


@transaction.atomic
def vendor_register(
    *,
    registered_by,
    name: str,
    function: str,
    contact: str,
    contract_start: date,
    contract_end: date,
    public_key: str,
) -> Vendor:
    import base64

    if not _reviews_access(registered_by):
        raise AccountingError("the privacy officer registers vendors")
    if function not in current_policy().vendor_functions:
        raise AccountingError(f"{function!r} is not a vendor function of the policy file")
    try:
        if len(base64.b64decode(public_key, validate=True)) != 32:
            raise ValueError
    except ValueError:
        raise AccountingError("the vendor's public key must be a base64 X25519 key (32 bytes)") from None
    if contract_end < contract_start:
        raise AccountingError("the contract ends before it starts")
    return Vendor.objects.create(
        name=name.strip(),
        function=function,
        contact=contact.strip(),
        contract_start=contract_start,
        contract_end=contract_end,
        public_key=public_key,
    )


@transaction.atomic
def vendor_determine(*, vendor: Vendor, decided_by, rationale: str, review_by: date) -> VendorDetermination:
    """Record that the vendor's use directly advances the general welfare, health or safety of the public."""
    if not _reviews_access(decided_by):
        raise AccountingError("the privacy officer makes vendor determinations")
    if len(rationale.strip()) < 30:
        raise AccountingError("say why the vendor's use advances the public's welfare, health or safety")
    if review_by <= timezone.localdate():
        raise AccountingError("the review date must be in the future")
    return VendorDetermination.objects.create(
        vendor=vendor,
        decided_by=decided_by,
        decided_at=timezone.now(),
        rationale=rationale.strip(),
        review_by=review_by,
    )


@transaction.atomic
def vendor_revoke(*, vendor: Vendor, revoked_by) -> Vendor:
    """No more exports, and the vendor's API tokens stop (`signals.vendor_revoked`, received by the API in
    this transaction; tokens are also checked on every request)."""
    if not _reviews_access(revoked_by):
        raise AccountingError("the privacy officer revokes vendors")
    vendor.revoked_at = timezone.now()
    vendor.save(update_fields=["revoked_at"])
    signals.vendor_revoked.send(sender=Vendor, vendor=vendor)
    return vendor


def current_determination(vendor: Vendor, on: date | None = None) -> VendorDetermination | None:
    """The determination in force: vendor not revoked, contract running, review date not passed."""
    on = on or timezone.localdate()
    if vendor.revoked_at is not None or not (vendor.contract_start <= on <= vendor.contract_end):
        return None
    return vendor.determinations.filter(review_by__gte=on).order_by("-decided_at").first()


@dataclass
class Disclosure:
    request: DisclosureRequest
    package: bytes  # JSON of the data disclosed, for the recipient


def _consent_covers(
    consent: Consent, *, recipient: str, categories: list[str], purpose: str, at: datetime, is_sale: bool
) -> str | None:
    """None if the consent covers the disclosure, else why not."""
    if consent.recipient_name.strip().lower() != recipient.strip().lower():
        return "the consent names another recipient"
    if not set(categories) <= set(consent.category_list):
        return "the consent does not cover all the data asked for"
    if consent.purpose.strip().lower() != purpose.strip().lower():
        return "the consent is for another purpose"
    if consent.signed_at >= at:
        return "the consent does not predate the disclosure"
    revocation = getattr(consent, "revocation", None)
    if revocation is not None and revocation.revoked_at <= at:
        return "the consent was revoked"
    today = timezone.localtime(at).date()
    if consent.expires_on is not None and consent.expires_on < today:
        return "the consent expired"
    if consent.covers_until is not None and consent.covers_until < today:
        return "the consent's period has ended"
    if is_sale and not consent.allows_sale:
        return "a sale (or disclosure for payment) needs a consent that names sale explicitly"
    return None


def _refuse(*, reason: str, **record) -> DisclosureRefused:
    """Record the refusal so that it stays whatever the caller's transaction does next (the caller usually
    rolls back because of it), and return the exception to raise."""

    record_surviving(
        lambda alias: DisclosureRequest.objects.using(alias).create(
            outcome="refused", reason=reason[:500], **record
        )
    )
    return DisclosureRefused(reason)


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
) -> Disclosure:
    """Disclose data about one or many customers to a third party: check the basis for every customer, read
    through the gate, produce the package, and account for it per customer, all in one transaction.
    Only the privacy officer discloses. A refusal is recorded with its reason and raised."""

    policy = current_policy()
    ids = sorted({int(c) for c in customer_ids})
    cats = _check_categories(categories)
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
    if not _reviews_access(requested_by):
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
        why = _consent_covers(
            consent, recipient=recipient_name, categories=cats, purpose=purpose, at=now, is_sale=is_sale
        )
        if why:
            raise _refuse(reason=why, **record)
        basis_ref, approver = f"consent {consent.pk}", None
    elif basis_kind == "legal_authority":
        authority = LegalAuthority.objects.filter(pk=basis_id).first()
        if authority is None:
            raise _refuse(reason="no such legal authority", **record)
        if is_sale:
            raise _refuse(reason="legal authority never covers a sale", **record)
        if authority.valid_until < timezone.localdate():
            raise _refuse(reason="the legal authority is no longer valid", **record)
        if authority.requester.strip().lower() != recipient_name.strip().lower():
            raise _refuse(reason="the legal authority names another recipient", **record)
        covered = set(authority.customers.values_list("pk", flat=True))
        if not set(ids) <= covered:
            raise _refuse(reason="the legal authority does not cover all these customers", **record)
        if not set(cats) <= set(authority.category_list):
            raise _refuse(reason="the legal authority does not cover all the data asked for", **record)
        basis_ref, approver = f"{authority.get_kind_display()}: {authority.citation}", authority.approved_by
    else:
        raise _refuse(reason=f"unknown basis {basis_kind!r} (vendors receive data through exports)", **record)
    fields = [policy.categories[c].field for c in cats]
    with transaction.atomic():
        try:
            values = reveal_many(
                actor=system_actor("disclosures", on_behalf_of=requested_by),
                customer_ids=ids,
                fields=fields,
                purpose="legal_obligations",
                client_ip=client_ip,
                action="disclosure",
            )
        except Denied as exc:
            raise _refuse(reason=f"the gate refused: {exc.reason}", **record) from None
        package = json.dumps(
            {
                "from": policy.utility["name"],
                "to": recipient_name,
                "purpose": purpose,
                "basis": basis_ref,
                "disclosed_at": now.isoformat(),
                "sale": is_sale,
                "customers": [{"customer": cid, **values[cid]} for cid in ids],
            },
            indent=2,
        ).encode()
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
        )
        request = DisclosureRequest.objects.create(
            outcome="disclosed", reason=basis_ref[:500], **{**record, "basis_ref": basis_ref[:100]}
        )
    return Disclosure(request=request, package=package)
