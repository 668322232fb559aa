"""Helpers for the test suite.

One module (over 400 lines) on purpose: the set-ups every app's tests share (a request, a consent, a staff
import, a read of the log) are imported from one place, so a test finds the shared one before writing its
own; set-ups of one area live in this package's other modules."""

import csv
import io
import json
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from custodian.audit.actions import Action
from custodian.audit.events import append_change
from custodian.billing.models import Bill, LedgerEntry
from custodian.casework.corrections import correction_decline
from custodian.casework.models import CustomerRequest
from custodian.casework.representatives import Authority
from custodian.casework.services import Intake, request_intake, request_open
from custodian.demo.personas import STAFF_PERSONAS
from custodian.demo.services import staff_persona_create
from custodian.disclosures.exports import export_dir
from custodian.disclosures.services import (
    consent_record,
    determination_approve,
    disclose,
    disclosure_entries_record,
    legal_authority_record,
    legal_authority_second_approve,
    vendor_determine,
    vendor_register,
)
from custodian.outbox.services import text_ref
from custodian.portal.models import PortalAccount
from custodian.staff import approvals
from custodian.usage.intervals import usage_import
from custodian.vault.export_crypto import new_vendor_keypair, read_export
from custodian.vault.gate import (
    customer_actor,
    reveal,
    reveal_documents,
    reveal_intervals,
    staff_actor,
    system_actor,
)
from custodian.vault.services import Submission

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

# The PostgreSQL-only tests run in CI's second pass (DATABASE_URL pointing at PostgreSQL).
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: run with DATABASE_URL=postgres://…"
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

# Bank routing numbers for tests: obviously fictitious (55 is no Federal Reserve routing symbol, so no
# bank has one) yet with a valid ABA check digit, so they pass the checks a real one does. The last fails.
TEST_ROUTING = "555000005"
TEST_ROUTING_OTHER = "555000021"
TEST_ROUTING_BAD_CHECK_DIGIT = "555000004"


def portal_browser(customer, username: str) -> Client:
    """A browser signed in to the portal as `customer` (a confirmed online account named `username`), which
    answers a server error as the visitor would see it instead of raising it."""
    user = get_user_model().objects.create_user(username=username, password="x" * 20)
    PortalAccount.objects.create(user=user, customer=customer, confirmed_at=timezone.now())
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def request_received(**intake):
    """A new customer request, opened as `request_intake` opens one arriving with these `Intake` fields."""
    req, _ = request_intake(intake=Intake(**intake))
    return req


def meter_complaint(customer) -> int:
    """The id of the customer's open complaint about their meter (a phone call, owned by field services): the
    request a member of staff imports a Green Button file into the customer's readings for."""
    return request_open(
        customer=customer, kind="problem", channel="phone", owning_service="field_services"
    ).pk


def challenge_declined(
    customer, *, by, categories, explanation: str = "The data is as we recorded it at the time."
) -> CustomerRequest:
    """The customer's challenge of the data in `categories`, made on the portal and declined by `by` (of the
    privacy officer's service) with `explanation`: the letter telling them of the appeal and of a statement of
    disagreement is sent, and the request is closed."""
    request = CustomerRequest.objects.create(
        customer=customer, kind="correction", channel="portal", owning_service="privacy_officer"
    )
    correction_decline(request=request, by=by, explanation=explanation, categories=categories)
    return request


def meter_usage_document(customer) -> dict:
    """The customer's meter usage document (each service's months and totals) as the billing run reads it."""
    return json.loads(
        reveal(
            actor=system_actor("billing_run"),
            customer_id=customer.pk,
            fields=["meter_usage"],
            purpose="billing",
        )["meter_usage"]
    )


# A Green Button file a field technician imports into a customer's readings.
FILE_IMPORT = Submission(channel="file_import", notice_key="metering", recorded_by_label="a field technician")


def staff_usage_import(customer, result, *, by):
    """`usage_import` of a parsed file (`result`) into `customer`'s readings, by the member of staff `by`, for
    a complaint about the customer's meter; the import's summary."""
    return usage_import(
        customer_id=customer.pk,
        result=result,
        submission=FILE_IMPORT,
        imported_by=by,
        request_id=meter_complaint(customer),
    )


def green_button_command(path, customer, *, by: str = "fiona.field"):
    """`manage.py import_green_button` as a member of staff (`by`, a field technician unless said) runs it:
    the file at `path` into `customer`'s readings, for a complaint about their meter."""
    call_command(
        "import_green_button",
        str(path),
        "--customer",
        str(customer.pk),
        "--request",
        str(meter_complaint(customer)),
        "--by",
        by,
    )


# The data a representative's authority covers unless a test says otherwise: everything but the bank account.
EVERYTHING_BUT_BANK = ("name", "email", "phone", "mailing_address", "service_address", "bills", "meter_usage")


def power_of_attorney(customer, scope=("view",), categories=EVERYTHING_BUT_BANK) -> Authority:
    """Rosa Reyes's durable power of attorney for `customer`, in force for a year once verified, as the
    service desk registers it."""
    return Authority(
        customer_id=customer.pk,
        kind="power_of_attorney",
        scope=list(scope),
        name="Rosa Reyes",
        email="rosa@example.org",
        document=b"%PDF durable power of attorney for Alice Anderson",
        document_name="poa.pdf",
        media_type="application/pdf",
        expires_on=timezone.localdate() + timedelta(days=365),
        categories=list(categories),
    )


def read_for_request(staff, customer_id: int, fields: list[str], purpose: str, request_id: int) -> dict:
    """The `fields` of the customer `staff` reads for `purpose` to work the request `request_id`."""
    return reveal(
        actor=staff_actor(staff),
        customer_id=customer_id,
        fields=fields,
        purpose=purpose,
        request_id=request_id,
    )


def correspondence_read(actor, customer_id: int, purpose: str, ref_prefix: str = "", **request) -> list:
    """The customer's correspondence (the documents whose reference starts with `ref_prefix`), opened
    through the gate by `actor` for `purpose` (`request`: the request_id it is read for)."""
    return reveal_documents(
        actor=actor,
        customer_id=customer_id,
        category="correspondence",
        ref_prefix=ref_prefix,
        purpose=purpose,
        **request,
    )


def request_correspondence(staff, req, *, purpose: str):
    """What arrived with a customer request (its message and attachments), opened through the gate by
    `staff` for `purpose`."""
    return correspondence_read(
        staff_actor(staff), req.customer_id, purpose, f"request:{req.pk}:", request_id=req.pk
    )


def letter_text(letter) -> str:
    """The text of a message to a customer (a letter or an e-mail), as the customer reads it (through the
    gate)."""
    customer_id = letter.to_customer_id
    (document,) = correspondence_read(
        customer_actor(customer_id), customer_id, "legal_obligations", text_ref(letter.pk)
    )
    return document.text


def own_readings(customer, start: int, end: int):
    """The customer's own interval readings from `start` to `end`, read as the portal reads them."""
    return reveal_intervals(
        actor=customer_actor(customer.pk, "the customer"),
        customer_id=customer.pk,
        purpose="providing_services",
        start=start,
        end=end,
    )


def current_code(device) -> str:
    """The one-time code an authenticator app on `device` shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def project_file(relative: str) -> Path:
    """A file of the repository (reference files live in `reference/`, each folder with its NOTICE)."""
    path = PROJECT_ROOT / relative
    if not path.exists():
        pytest.fail(f"missing {path}: the repository should hold every file its tests read")
    return path


def vendor_registered(
    *,
    function: str,
    officer,
    name: str = "",
    days: int = 30,
    since: int = 0,
    contact="ops@vendor.example",
    public_key="",
):
    """A vendor registered by `officer`, no determination yet: its contract began `since` days ago and ends
    `days` from today; its public key a new one unless given."""
    today = timezone.localdate()
    return vendor_register(
        registered_by=officer,
        name=name or f"{function} vendor",
        function=function,
        contact=contact,
        contract_start=today - timedelta(days=since),
        contract_end=today + timedelta(days=days),
        public_key=public_key or new_vendor_keypair()[1],
    )


def persona(username: str):
    """The staff persona `username` (demo.personas), made a member of staff the first time it is asked for:
    the same account for a test's fixture and for a set-up that needs that person."""
    found = get_user_model().objects.filter(username=username).first()
    if found is not None:
        return found
    return staff_persona_create(persona=next(p for p in STAFF_PERSONAS if p.username == username))


def determination_approved(*, vendor, officer, review_by: date, rationale: str, approver=None):
    """A vendor determination recorded by `officer` and approved by a second person independent of them
    (`approver`, else the utility's counsel), so it is in force."""
    second = approver or persona("lena.legal")  # made before the determination: an account added since isn't
    determination = vendor_determine(
        vendor=vendor, decided_by=officer, review_by=review_by, rationale=rationale
    )
    determination_approve(determination=determination, by=second)
    return determination


def vendor_with_determination(
    *,
    function: str,
    officer,
    name: str = "",
    days: int = 30,
    contact: str = "ops@vendor.example",
    rationale: str = "Bills and outage notices by mail keep customers informed and safe.",
):
    """A registered vendor with a current determination recorded by `officer` and approved by a second person
    (the utility's counsel; contract and review `days` ahead); returns (vendor, its private key)."""
    private, public = new_vendor_keypair()
    today = timezone.localdate()
    vendor = vendor_registered(
        function=function, officer=officer, name=name, days=days, contact=contact, public_key=public
    )
    determination_approved(
        vendor=vendor, officer=officer, review_by=today + timedelta(days=days), rationale=rationale
    )
    return vendor, private


def mailing_to(*customers, what: str = "A notice about the customer's service") -> dict:
    """A mailing export's arguments naming what is mailed and to whom (the mailing function sends nobody
    else's name and address)."""
    return {"mailing": what, "customer_ids": [c.pk for c in customers]}


def make_vendor(function, keys, officer, determine=True):
    """A vendor of `function` with the key pair `keys` (its contract began ten days ago and runs 300 more),
    with a determination by `officer`, approved by a second person, to be reviewed in 90 days unless
    `determine` is false."""
    today = timezone.localdate()
    vendor = vendor_registered(
        function=function,
        officer=officer,
        contact="vendor@example.com",
        since=10,
        days=300,
        public_key=keys[1],
    )
    if determine:
        determination_approved(
            vendor=vendor,
            officer=officer,
            rationale=(
                "Mailing bills and safety notices promptly keeps service safe and reliable for the public."
            ),
            review_by=today + timedelta(days=90),
        )
    return vendor


def password_change_logged(customer) -> None:
    """The customer's portal password change in the access log (an event with no data category: theirs
    alone to see)."""
    append_change(
        action=Action.PORTAL_PASSWORD_CHANGED,
        actor_kind="system",
        actor_id="portal_enrolment",
        actor_label="portal_enrolment",
        customer_ids=[customer.pk],
    )


def read_event(customer_id: int, **extra) -> dict:
    """An access event as `audit.events.append_events` takes it: the billing clerk read customer
    `customer_id`'s name for billing (with `extra` in place of any field)."""
    return {
        "action": "reveal",
        "actor_kind": "staff",
        "actor_id": "7",
        "actor_label": "bill.clerk",
        "roles": "billing",
        "purpose": "billing",
        "customer_id": str(customer_id),
        "categories": "name",
        "decision": "allow",
        "reason": "granted",
        **extra,
    }


def consent_given(customer, **over):
    """A consent `customer` signed yesterday: by default to the Energy Savers Co-op's home energy audit, for
    their name, from 1 January 2025 (`over` gives the method and replaces any other argument of
    `consent_record`)."""
    args = {
        "customer": customer,
        "recipient_name": "Energy Savers Co-op",
        "recipient_contact": "info@savers.example",
        "categories": ["name"],
        "purpose": "home energy audit",
        "covers_from": date(2025, 1, 1),
        "signed_at": timezone.now() - timedelta(days=1),
    }
    return consent_record(**{**args, **over})


def paper_consent_given(customer, verified_by, **over):
    """A paper consent `customer` signed, verified by `verified_by` with its scan: their name and meter usage
    to the Energy Savers Co-op, covering a year from today (`over` replaces any argument)."""
    args = {
        "categories": ["name", "meter_usage"],
        "covers_until": timezone.localdate() + timedelta(days=365),
        "method": "paper",
        "verified_by": verified_by,
        "scan": b"%PDF scanned consent",
        "scan_name": "consent.pdf",
    }
    return consent_given(customer, **{**args, **over})


def bill_charged(account, month: int, total, *, ref: str = "") -> Bill:
    """A bill of `total` for `month` of 2026 (issued on the 1st of the next month, due on the 22nd) with its
    charge on the account's ledger, as a bill run leaves it."""
    bill = Bill.objects.create(
        account=account,
        customer_id=account.customer_id,
        cycle=f"2026-{month:02d}",
        period_start=date(2026, month, 1),
        period_end=date(2026, month, 28),
        issued_on=date(2026, month + 1, 1),
        due_on=date(2026, month + 1, 22),
        tariff_versions="2026.1",
        total=Decimal(total),
        document_ref=ref or f"bill/test/{account.pk}/{month}",
        content_sha256="0" * 64,
    )
    LedgerEntry.objects.create(
        account=account, kind="charge", amount=bill.total, posted_on=bill.issued_on, bill=bill
    )
    return bill


def export_text(export, private_key, *, path=None, export_id: str = "", sealed_key: str = "") -> str:
    """What the vendor reads: the export's file (or the file at `path`, or a companion file with its own id
    and sealed key) opened with the vendor's private key, as text."""
    chunks = read_export(
        path or export_dir() / export.file_name,
        export_id=export_id or str(export.pk),
        sealed_key=sealed_key or export.sealed_key,
        vendor_private_key=private_key,
    )
    return b"".join(chunks).decode()


def export_rows(export, private_key) -> list[dict]:
    """The rows of a CSV export, as the vendor reads them."""
    return list(csv.DictReader(io.StringIO(export_text(export, private_key))))


# Recipients of the disclosure tests, (name, address): a third party the customer consented to, and the
# requester of a subpoena.
CO_OP = ("Energy Savers Co-op", "12 Green St")
COUNTY_ATTORNEY = ("Steele County Attorney", "")


def _disclosure(customer_ids, to: tuple[str, str], categories, purpose: str, basis: tuple, basis_field: str):
    (name, address), (kind, basis_value) = to, basis
    return {
        "customer_ids": list(customer_ids),
        "recipient_name": name,
        "recipient_address": address,
        "categories": list(categories),
        "purpose": purpose,
        "basis_kind": kind,
        basis_field: basis_value,
    }


def disclosed(by, customer_ids, to: tuple[str, str], categories, purpose: str, basis: tuple, **over):
    """`disclose` as the tests ask it: `to` is the recipient (name, address), `basis` the (kind, id) of the
    consent or legal authority it rests on; `over` replaces any argument."""
    asked = _disclosure(customer_ids, to, categories, purpose, basis, "basis_id")
    return disclose(**{"requested_by": by, **asked, **over})


def accounted(customer_ids, to: tuple[str, str], categories, purpose: str, basis: tuple[str, str], **over):
    """A disclosure already in the accounting (`disclosure_entries_record`), named as `disclosed` names it;
    `basis` is (kind, reference)."""
    return disclosure_entries_record(
        **_disclosure(customer_ids, to, categories, purpose, basis, "basis_ref"), **over
    )


def subpoena_recorded(
    officer, customer_ids, categories, *, file: str = "74-CV-26-1", second=None, approved: bool = True, **over
):
    """A subpoena of the county attorney for `categories` of `customer_ids`, valid 30 days, recorded by
    `officer` naming `second` (else the utility's counsel) as its second approver, who approves it
    (`approved=False`: it is left waiting for them); `over` replaces any argument."""
    args = {
        "kind": "subpoena",
        "citation": f"Steele County District Court, file {file}",
        "requester": COUNTY_ATTORNEY[0],
        "document": b"%PDF subpoena",
        "document_name": "subpoena.pdf",
        "customer_ids": list(customer_ids),
        "categories": list(categories),
        "valid_until": timezone.localdate() + timedelta(days=30),
        "approved_by": officer,
        # made before the subpoena: an account added since isn't independent
        "second_approver": second or persona("lena.legal"),
    }
    authority = legal_authority_record(**{**args, **over})
    return authority_approved(authority) if approved else authority


def authority_approved(authority, by=None):
    """`authority` approved by `by` (else its named second approver), who read it as it was recorded."""
    return legal_authority_second_approve(
        authority=authority,
        by=by or authority.second_approver,
        kind=authority.kind,
        requester=authority.requester,
        is_law_enforcement=authority.is_law_enforcement,
    )


def police_request(customer, officer, second=None, *, approved: bool = True, **over):
    """The police department's request for `customer`'s name under the statute's law-enforcement release,
    valid a week, recorded by `officer` naming `second` (the second approver every legal authority needs),
    who then approves it themselves (`approved=False`: it is left waiting for them); `over` replaces any
    argument."""
    args = {
        "kind": "statute",
        "citation": "Minn. Stat. § 13.685",
        "requester": "Owatonna Police Department",
        "document": b"request letter",
        "document_name": "letter.pdf",
        "customer_ids": [customer.pk],
        "categories": ["name"],
        "valid_until": timezone.localdate() + timedelta(days=7),
        "approved_by": officer,
        "statute_release": "A law enforcement agency, for an investigation",
        "is_law_enforcement": True,
    }
    if second is not None:
        args["second_approver"] = second
    authority = legal_authority_record(**{**args, **over})
    return authority_approved(authority) if approved else authority


def colleague_added(by, username: str, services, *, approved_by):
    """`by` adds a member of staff from the console, at an address `by` controls, and `approved_by` approves
    it where it waits for a second person: the member, in `services`."""
    member, change = approvals.staff_member_invite(
        username=username,
        full_name=username.replace(".", " ").title(),
        email=f"{username}@{by.get_username()}-own-mail.example.net",
        services=list(services),
        changed_by=by,
    )
    if change is not None:
        approvals.staff_change_approve(change=change, by=approved_by)
    return member
