"""Consents to disclose (paper with a sealed scan, or electronic) and their revocations, each logged as a
change of the customer's data."""

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.audit.record_seals import with_seal
from custodian.dates import day_words
from custodian.disclosures import signals
from custodian.disclosures.models import (
    Consent,
    ConsentRevocation,
)
from custodian.disclosures.sealed import CONSENTS, REVOCATIONS, consent_as_sealed
from custodian.disclosures.services.accounting import AccountingError, categories_checked
from custodian.netaddr import recorded_address
from custodian.policy.loader import current_policy
from custodian.staff.selectors import services_of
from custodian.vault.gate import reveal_documents
from custodian.vault.services import Submission, document_seal

CONSENT_REF_PREFIX = "consent:"


@dataclass(frozen=True)
class ConsentWords:
    """What a consent says in the customer's (or the paper form's) words."""

    recipient_name: str
    recipient_contact: str
    purpose: str
    text_shown: str = ""

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, content: bytes) -> "ConsentWords":
        data = json.loads(content)
        return cls(**{k: str(data.get(k, "")) for k in cls.__dataclass_fields__})


def consent_words_seal(*, customer_id: int, words: ConsentWords, submission: Submission) -> str:
    """Seal a consent's words in the vault as the customer's correspondence; returns the new reference."""
    ref = f"{CONSENT_REF_PREFIX}{secrets.token_hex(8)}"
    document_seal(
        customer_id=customer_id,
        category="correspondence",
        ref=ref,
        content=words.to_json(),
        media_type="application/json",
        filename="consent.json",
        submission=submission,
    )
    return ref


def _dates_checked(
    *, covers_from: date, covers_until: date | None, expires_on: date | None, signed_at: datetime
) -> None:
    """A consent signed after today, or that ends or expires before it is given, or ends before it begins, is
    never in force as written: refused, not kept, naming the date that is wrong."""
    signed_on = timezone.localdate(signed_at)
    if signed_on > timezone.localdate():
        raise AccountingError(
            _("the day the consent is signed, %(signed)s, is after today: a consent is recorded once signed")
            % {"signed": day_words(signed_on)}
        )
    if covers_until is not None and covers_until < covers_from:
        raise AccountingError(
            _("the consent's end date, %(until)s, is before the day its data begins, %(start)s")
            % {"until": day_words(covers_until), "start": day_words(covers_from)}
        )
    if covers_until is not None and covers_until < signed_on:
        raise AccountingError(
            _("the consent's end date, %(until)s, is before the day it is signed, %(signed)s")
            % {"until": day_words(covers_until), "signed": day_words(signed_on)}
        )
    if expires_on is not None and expires_on < signed_on:
        raise AccountingError(
            _("the consent's expiry date, %(expires)s, is before the day it is signed, %(signed)s")
            % {"expires": day_words(expires_on), "signed": day_words(signed_on)}
        )


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
    terms: str = "",
    signer_ip: str = "",
    verified_by=None,
    scan: bytes | None = None,
    scan_name: str = "",
) -> Consent:
    """Record a signed consent. Paper: a staff member verified the signature and the scan is sealed in the
    vault. Electronic: the customer's own act in the portal, with the exact text shown and the network it
    came from (the address masked to /24 or /48). `terms`: the terms as the customer was given them (the
    portal's, in the page's language); by default the policy file's as adopted."""

    cats = categories_checked(categories)
    _dates_checked(
        covers_from=covers_from, covers_until=covers_until, expires_on=expires_on, signed_at=signed_at
    )
    if not recipient_name.strip() or not recipient_contact.strip() or not purpose.strip():
        raise AccountingError(_("a consent names the recipient, how to reach them, and the purpose"))
    if method == "paper":
        if verified_by is None or not scan:
            raise AccountingError(
                _("a paper consent needs its scan and the staff member who verified the signature")
            )
    elif method == "electronic":
        if not text_shown.strip():
            raise AccountingError(_("an electronic consent keeps the exact text the customer agreed to"))
    else:
        raise AccountingError(_("unknown signing method %(method)s") % {"method": repr(method)})
    sealed_ref = consent_words_seal(
        customer_id=customer.pk,
        words=ConsentWords(
            recipient_name=recipient_name.strip(),
            recipient_contact=recipient_contact.strip(),
            purpose=purpose.strip(),
            text_shown=text_shown,
        ),
        submission=Submission(channel="portal", notice_key="portal_profile")
        if method == "electronic"
        else Submission(
            channel="paper",
            notice_key="account_application",
            recorded_by=verified_by,
            recorded_by_label=verified_by.get_full_name() or verified_by.get_username(),
        ),
    )
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
        sealed_ref=sealed_ref,
        categories=",".join(cats),
        covers_from=covers_from,
        covers_until=covers_until,
        expires_on=expires_on,
        allows_sale=allows_sale,
        terms=terms or current_policy().consent_terms("en"),
        method=method,
        signed_at=signed_at,
        # The customer's address, masked as analytics masks it: it shows where the consent came from
        # without being a second copy of the customer's address outside the vault.
        signer_ip=recorded_address(signer_ip, customer=True),
        verified_by=verified_by,
        scan_ref=scan_ref,
    )
    reason = with_seal(f"{method} consent {consent.pk}", CONSENTS.seal(consent.pk))
    _log_consent_change(Action.CONSENT_GIVEN, consent, verified_by, reason)
    return consent


def _log_consent_change(action: Action, consent: Consent, staff, reason: str) -> None:
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
    reason = with_seal(f"consent {consent.pk} revoked", REVOCATIONS.seal(revocation.pk))
    _log_consent_change(Action.CONSENT_REVOKED, consent, recorded_by, reason)
    signals.consent_revoked.send(sender=Consent, consent=consent)
    return revocation


def consent_words(*, actor, customer_id: int, purpose: str, ref: str = "", client_ip: str = "") -> dict:
    """The sealed words of a customer's consents (all of them, or the one under `ref`), by reference, read
    through the gate as `actor` for `purpose` (one access event). A read, offered by disclosures.selectors;
    it lives beside the sealing so the disclosure service can check a consent's words without importing the
    selectors (which import the services)."""
    documents = reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category="correspondence",
        ref_prefix="" if ref else CONSENT_REF_PREFIX,
        refs=[ref] if ref else None,
        purpose=purpose,
        client_ip=client_ip,
    )
    return {d.ref: ConsentWords.from_json(d.content) for d in documents}


class ConsentsInForceAnswer:
    """The disclosures app's answer to the gate's question (`vault.consents_in_force`): the consent is the
    customer's, was signed before now, is neither revoked nor expired, its period has not ended, and it
    names every category."""

    def consent_in_force(self, *, consent_id: int, customer_id: int, categories: list[str]) -> bool:
        consent = Consent.objects.select_related("revocation").filter(pk=consent_id).first()
        if consent is None or consent.customer_id != customer_id:
            return False
        return (
            consent.lapse() is None
            and set(categories) <= set(consent.category_list)
            and consent_as_sealed(consent) is None  # its row as the access log sealed it
        )
