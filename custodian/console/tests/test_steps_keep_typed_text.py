"""A console step whose form does not validate, or that its service refuses, answers with the page it came
from drawn again (400, no redirect): the message of the step, and the form as the member of staff sent it,
what they typed in its fields and each field's error beside its field; a file field says to choose the file
again. A step that goes through still redirects (a reload does not post again).

The steps come from the URL configuration: a console route that is neither a step listed here with its form
(the table below, one row a form) nor listed as a step without a form or as a page fails the test, so a new
step is checked from the day it is added.

One module (over 400 lines) on purpose: the table has a row for every step form of the console, each with
the record its page needs, so a step left out shows in one place."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from custodian.audit.events import append_events
from custodian.billing.deposits import deposit_ask, deposit_paid_record
from custodian.billing.final import service_stop
from custodian.billing.models import Refund
from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.casework.representatives import representative_register
from custodian.collecting.services import payment_agreement_request
from custodian.connect.models import ThirdParty
from custodian.demo.personas import DEMO_PASSWORD
from custodian.disclosures.services import vendor_determine
from custodian.incidents import selectors as flag_selectors
from custodian.incidents import services as incidents
from custodian.staff.approvals import staff_change_ask
from custodian.staff.choices import ChangeKind
from custodian.testing import bill_charged, police_request, power_of_attorney, read_event, vendor_registered
from custodian.testing.billing import change_notice_received, debits_sent
from custodian.testing.connect import register
from custodian.testing.routes import named_routes
from custodian.vault import gate
from custodian.vault.models import ReadHold

TODAY = timezone.localdate()


def verified(req):
    CustomerRequest.objects.filter(pk=req.pk).update(verification="photo_id", verified_with="passport")
    req.refresh_from_db()
    return req


def a_request(w, service="customer_service", kind="other"):
    return {"request_id": w.open_request(w.customer, service, kind=kind).pk}


def a_correction(w):
    """An accuracy challenge from a caller verified as the customer (nothing is corrected before)."""
    return {"request_id": verified(w.open_request(w.customer, "privacy_officer", kind="correction")).pk}


def a_data_request(w):
    return {"request_id": verified(w.open_request(w.customer, "privacy_officer", kind="data_access")).pk}


def a_repeat(w):
    """A data request answered this month, and the customer asking again."""
    first = verified(w.open_request(w.customer, "privacy_officer", kind="data_access"))
    data_request_answer(request=first, by=w.user)
    return a_data_request(w)


def a_meter_challenge(w):
    req = w.open_request(w.customer, "field_services", kind="correction")
    req.history.create(action="meter_challenge", reason="reread: October's reading doubled")
    return {"request_id": req.pk}


def an_incident(w, *, breach: bool | None = None):
    incident = incidents.incident_open(
        opened_by=w.user,
        summary="Reads at night",
        actor_kind="staff",
        actor_id=str(w.user.pk),
        actor_label=w.user.username,
        window_start=timezone.now() - timedelta(days=1),
        window_end=timezone.now(),
    )
    if breach is not None:
        incidents.incident_determine(
            incident=incident, determined_by=w.user, is_breach=breach, reasons="Seen in the access log."
        )
    return {"incident_id": incident.pk}


def a_breach(w):
    return an_incident(w, breach=True)


def a_breach_the_agencies_hear_of(w):
    """A breach of more people than the consumer reporting agencies' limit, whose form the page shows."""
    w.monkeypatch.setattr(incidents, "agencies_required", lambda incident: True)
    return a_breach(w)


def a_deposit(w):
    deposit = deposit_ask(account_id=w.account.pk, amount="250", reason="no_history", by=w.user)
    return {"deposit_id": deposit.pk}


def a_refund(w):
    """A deposit asked and paid, then a final bill: the deposit comes back by check."""
    deposit = deposit_ask(account_id=w.account.pk, amount="250", reason="no_history", by=w.user)
    deposit_paid_record(deposit_id=deposit.pk, paid_on=TODAY, by=w.user)
    service_stop(account_id=w.account.pk, closed_on=TODAY, today=TODAY + timedelta(days=2))
    return {"refund_id": Refund.objects.get(account=w.account).pk}


def a_grant(w):
    grant = gate.break_glass_open(
        actor=gate.staff_actor(w.field_tech),
        customer_id=w.customer.pk,
        purpose="resolving_problems",
        reason="Gas smell reported at the premise",
        client_ip="127.0.0.1",
    )
    return {"grant_id": grant.pk}


def a_hold(w):
    hold = ReadHold.objects.create(
        user=w.field_tech, purpose="providing_services", customers_in_hour=5, threshold=5
    )
    return {"hold_id": hold.pk}


def past_due(w):
    """The account with a bill past due (what a payment agreement spreads)."""
    bill_charged(w.account, 9, "300.00")
    return the_account(w)


def an_agreement(w):
    """Asked for on an account with a bill past due."""
    return {
        "agreement_id": payment_agreement_request(account_id=past_due(w)["account_id"], requested_on=TODAY).pk
    }


def the_account(w):
    return {"account_id": w.account.pk}


def a_representative(w):
    """A power of attorney for the customer, registered at the desk."""
    rep = representative_register(
        authority=power_of_attorney(w.customer, ("view",), ("meter_usage",)), by=w.fixture("service_rep")
    )
    return {"representative_id": rep.pk}


def billed_three_months(w):
    """The account with the three months of bills budget billing levels on."""
    for month in (7, 8, 9):
        bill_charged(w.account, month, "120.00")
    return the_account(w)


def a_bank_notice(w):
    """The bank's notice that the first household on automatic payment has a new account number."""
    w.fixture("on_autopay")
    debit = debits_sent(w.fixture("bank"), w.fixture("privacy_officer"))[0]
    return {"notice_id": change_notice_received(debit, "C01", "9876543210", by=w.user).pk}


def the_customer(w):
    return {"customer_id": w.customer.pk}


def a_vendor(w):
    return {"vendor_id": vendor_registered(function="mailing", officer=w.user).pk}


def a_colleague(w):
    return {"user_id": w.billing_clerk.pk}


def a_flag(w):
    """The billing clerk's reads of a customer's name, flagged (one customer is enough here)."""
    w.monkeypatch.setattr(flag_selectors, "UNUSUAL_DISTINCT_CUSTOMERS", 1)
    append_events([read_event(w.customer.pk, actor_id=str(w.billing_clerk.pk))])
    return {}


FLAG = {"kind": "read many customers one at a time without a request", "actor_kind": "staff"}


def flagged(note):
    return lambda kw, w: {**FLAG, "actor_id": str(w.billing_clerk.pk), "note": note}


def a_third_party(w):
    register()
    return {"third_party_id": ThirdParty.objects.get().pk}


def a_held_change(w):
    """Services that read customer data for the billing clerk, asked by the field technician's account (an
    asker other than the approver)."""
    change = staff_change_ask(
        kind=ChangeKind.SERVICES,
        subject=w.billing_clerk,
        asked_by=w.field_tech,
        detail={"services": ["billing", "collections"]},
    )
    return {"change_id": change.pk}


def a_waiting_determination(w):
    """A vendor determination the privacy officer recorded, waiting for its second person (the approver, made
    before it: an account added since would not be independent)."""
    officer = w.fixture("privacy_officer")
    vendor = vendor_registered(function="mailing", officer=officer)
    determination = vendor_determine(
        vendor=vendor,
        decided_by=officer,
        rationale="Outage notices by mail keep customers safe and informed.",
        review_by=TODAY + timedelta(days=200),
    )
    return {"determination_id": determination.pk}


def a_police_request(w):
    """The police department's request, recorded by the privacy officer naming the member of staff taking
    the step as its second approver, waiting for them."""
    return {
        "authority_id": police_request(w.customer, w.fixture("privacy_officer"), w.user, approved=False).pk
    }


def nothing(w):
    return {}


def upload(name="form.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 signed form", content_type="application/pdf")


@dataclass
class Row:
    """A step form: who takes it, the record it is taken on (its URL arguments), the page it came from, data
    that does not validate with what the member of staff typed (`typed`, shown again) and the error beside
    the field; data that goes through (`valid`, redirected) and data the service refuses (`refused`)."""

    persona: str
    record: Callable
    page: str
    invalid: Callable[[dict, object], dict]
    typed: str | None
    error: str
    valid: Callable[[dict, object], dict] | None = None
    refused: tuple[Callable[[dict, object], dict], str] | None = None
    page_kwargs: Callable[[dict, object], dict] = field(default=lambda kwargs, w: kwargs)
    has_file: bool = False


def const(data):
    return lambda kw, w: data


def approved_after_reauthenticating(
    persona: str, record: Callable, page: str, said: dict | None = None
) -> Row:
    """A second person's approval, taken with the member's password or a code from their authenticator app
    (one form wherever an approval asks for it) and what the approval form also asks them to say (`said`): a
    code too long to be one is drawn again, a wrong one is refused, the password goes through; the page is
    the list of what waits for an approval."""
    said = said or {}
    return Row(
        persona,
        record,
        page,
        const({**said, "code": "1234567 1234567 12345"}),
        "1234567 1234567 12345",
        "Ensure this value has at most 20 characters",
        valid=const({**said, "password": DEMO_PASSWORD}),
        refused=(const({**said, "code": "000 000"}), "000 000"),
        page_kwargs=lambda kwargs, w: {},
    )


def answering_an_agreement(field: str, answer: dict, refused_amount: str | None = None) -> Row:
    """A request for a payment agreement answered on the collections page (agreed, or answered without an
    agreement: `answer` says which way): an amount in words is drawn again, one the service refuses (below
    the least installment) is kept, $45 goes through."""
    return Row(
        "collections_agent",
        an_agreement,
        "console:collections",
        const({**answer, field: "forty"}),
        "forty",
        "Enter an amount in dollars written with the digits 0 to 9, such as 25 or 25.50.",
        valid=const({**answer, field: "45"}),
        refused=(const({**answer, field: refused_amount}), refused_amount) if refused_amount else None,
        page_kwargs=lambda kw, w: {},
    )


LONG = "x" * 6001
DATE = TODAY.isoformat()

# Route name (a "#" names one of several forms sent to one route) → its row.
ROWS: dict[str, Row] = {
    "console:hand_off": Row(
        "service_rep",
        a_request,
        "console:request",
        const({"to_service": "", "reason": "Needs billing to check the October bill"}),
        "Needs billing to check the October bill",
        "This field is required.",
        valid=const({"to_service": "billing", "reason": "Needs billing to check the October bill"}),
    ),
    "console:close": Row(
        "service_rep",
        a_request,
        "console:request",
        const({"reason": "Explained the estimated read " + LONG}),
        "Explained the estimated read",
        "Ensure this value has at most 500 characters",
        valid=const({"reason": "Explained the estimated read.", "confirmed": "1"}),
    ),
    "console:request_assign": Row(
        "service_rep",
        a_request,
        "console:request",
        const({"to": "999999"}),
        None,
        "Select a valid choice.",
        valid=lambda kw, w: {"to": str(w.user.pk)},
    ),
    "console:request_note": Row(
        "service_rep",
        a_request,
        "console:request",
        const({"text": "Called back at two, no answer " + LONG}),
        "Called back at two, no answer",
        "Ensure this value has at most",
        valid=const({"text": "Called back at two, no answer."}),
    ),
    "console:request_reply": Row(
        "service_rep",
        a_request,
        "console:request",
        const({"body": "Dear Alice, we checked the meter " + LONG}),
        "Dear Alice, we checked the meter",
        "Ensure this value has at most",
        valid=const({"body": "Dear Alice, we checked the meter: it reads correctly."}),
    ),
    "console:request_verify": Row(
        "service_rep",
        a_request,
        "console:request",
        const(
            {"method": "account_and_bill", "account_number": "0010000001", "bill_kwh": "about nine hundred"}
        ),
        "about nine hundred",
        "Enter a whole number written with the digits 0 to 9, such as 250.",
    ),
    "console:request_in_full": Row(
        "privacy_officer",
        a_repeat,
        "console:request",
        const({"reason": "Too short"}),
        "Too short",
        "Ensure this value has at least 10 characters",
        valid=const({"reason": "The customer's lawyer needs the whole record for a hearing."}),
    ),
    "console:correction": Row(
        "privacy_officer",
        a_correction,
        "console:request",
        const(
            {
                "field": "name",
                "value": "",
                "named_recipients": "Energy Savers Co-op | 12 Main Street, Owatonna, MN 55060",
            }
        ),
        "Energy Savers Co-op | 12 Main Street, Owatonna, MN 55060",
        "This field is required.",
        valid=const({"field": "name", "value": "Alice B. Anderson"}),
    ),
    "console:correction#decline": Row(
        "privacy_officer",
        a_correction,
        "console:request",
        const({"categories": ["name"], "explanation": "It is correct"}),
        "It is correct",
        "Ensure this value has at least 20 characters",
        valid=const({"categories": ["name"], "explanation": "The name matches the signed application form."}),
    ),
    "console:correction#meter": Row(
        "privacy_officer",
        a_correction,
        "console:request",
        const({"outcome": "", "note": "October read doubled"}),
        "October read doubled",
        "This field is required.",
        valid=const({"outcome": "reread", "note": "October read doubled"}),
    ),
    "console:meter_challenge_result": Row(
        "field_tech",
        a_meter_challenge,
        "console:request",
        const({"result": "confirmed", "findings": "Read ok"}),
        "Read ok",
        "Ensure this value has at least 10 characters",
        valid=const({"result": "confirmed", "findings": "The meter read 48213 on a second visit."}),
    ),
    "console:request_answer": Row(
        "privacy_officer",
        a_data_request,
        "console:package",
        const({}),
        None,
        "This field is required.",
        valid=const({"confirmed": "on"}),
    ),
    "console:incident_open": Row(
        "privacy_officer",
        nothing,
        "console:incidents",
        const(
            {"summary": "Odd reads by a temp", "staff_username": "cora.service", "window_start": "yesterday"}
        ),
        "Odd reads by a temp",
        "Enter a valid date/time.",
        valid=lambda kw, w: (
            {
                "summary": "Odd reads by a temp",
                "staff_username": w.user.username,
                "window_start": f"{TODAY - timedelta(days=1)}T00:00",
                "window_end": f"{TODAY}T00:00",
            }
        ),
        refused=(
            const(
                {
                    "summary": "Odd reads by a temp",
                    "staff_username": "nobody.here",
                    "window_start": f"{TODAY - timedelta(days=1)}T00:00",
                    "window_end": f"{TODAY}T00:00",
                }
            ),
            "Odd reads by a temp",
        ),
    ),
    "console:assessment_add": Row(
        "privacy_officer",
        nothing,
        "console:incidents",
        const({"performed_on": "last week", "scope": "All staff laptops", "findings": "f", "actions": "a"}),
        "All staff laptops",
        "Enter a valid date.",
        valid=const(
            {
                "performed_on": DATE,
                "scope": "All staff laptops",
                "findings": "Two laptops without disk encryption.",
                "actions": "Encrypted both; checked monthly from now on.",
            }
        ),
    ),
    "console:hold_decide": Row(
        "privacy_officer",
        a_hold,
        "console:incidents",
        const({"approve": "maybe", "note": "Mailing list check"}),
        "Mailing list check",
        "Select a valid choice.",
        valid=const({"approve": "no", "note": "Mailing list check"}),
        page_kwargs=lambda kw, w: {},
    ),
    "console:incident_note": Row(
        "privacy_officer",
        an_incident,
        "console:incident",
        const({"text": " "}),
        None,
        "This field is required.",
        valid=const({"text": "Asked the team lead."}),
    ),
    "console:incident_determine": Row(
        "privacy_officer",
        an_incident,
        "console:incident",
        const({"outcome": "", "reasons": "Every read had a request on file"}),
        "Every read had a request on file",
        "This field is required.",
        valid=const({"outcome": "not_breach", "reasons": "Every read had a request on file"}),
    ),
    "console:incident_delay": Row(
        "privacy_officer",
        a_breach,
        "console:incident",
        const({"until": "soon", "reason": "County sheriff asked for time"}),
        "County sheriff asked for time",
        "Enter a valid date.",
        valid=const({"until": (TODAY + timedelta(days=10)).isoformat(), "reason": "County sheriff asked"}),
    ),
    "console:incident_agencies": Row(
        "privacy_officer",
        a_breach_the_agencies_hear_of,
        "console:incident",
        const({"note": " "}),
        None,
        "This field is required.",
    ),
    "console:incident_report": Row(
        "privacy_officer",
        a_breach,
        "console:incident",
        const({"facts": "", "responsible_employees": "A. Temp"}),
        "A. Temp",
        "This field is required.",
    ),
    "console:person_services": Row(
        "privacy_officer",
        a_colleague,
        "console:person",
        const({"services": ["billing"], "leads": ["customer_service"]}),
        None,
        "A member leads only a service they are in",
        valid=const({"services": ["billing"]}),
    ),
    "console:vendor_add": Row(
        "privacy_officer",
        nothing,
        "console:disclosures",
        const(
            {
                "name": "Acme Mailing",
                "function": "mailing",
                "contact": "ops@acme.example",
                "contract_start": "soon",
            }
        ),
        "Acme Mailing",
        "Enter a valid date.",
    ),
    "console:determination": Row(
        "privacy_officer",
        a_vendor,
        "console:disclosures",
        const({"rationale": "Outage notices by mail keep customers safe", "review_by": "next year"}),
        "Outage notices by mail keep customers safe",
        "Enter a valid date.",
        valid=const(
            {
                "rationale": "Outage notices by mail keep customers safe",
                "review_by": (TODAY + timedelta(days=200)).isoformat(),
            }
        ),
        page_kwargs=lambda kw, w: {},
    ),
    "console:consent_add": Row(
        "privacy_officer",
        nothing,
        "console:disclosures",
        lambda kw, w: {"recipient_name": "Energy Savers Co-op", "signed_on": "in May", "scan": upload()},
        "Energy Savers Co-op",
        "Enter a valid date.",
        refused=(
            lambda kw, w: {
                "customer_id": "999999",
                "recipient_name": "Energy Savers Co-op",
                "recipient_contact": "audits@savers.example",
                "categories": ["name"],
                "purpose": "A home energy audit",
                "covers_from": DATE,
                "signed_on": DATE,
                "scan": upload(),
            },
            "Energy Savers Co-op",
        ),
        has_file=True,
    ),
    "console:authority_add": Row(
        "privacy_officer",
        nothing,
        "console:disclosures",
        lambda kw, w: {"requester": "Steele County Attorney", "customer_ids": "1, x", "document": upload()},
        "Steele County Attorney",
        "x is not a record number",
        has_file=True,
    ),
    "console:disclose": Row(
        "privacy_officer",
        nothing,
        "console:disclosures",
        const({"basis_kind": "consent", "basis_id": "the last one", "recipient_name": "Energy Savers Co-op"}),
        "Energy Savers Co-op",
        "Enter a whole number written with the digits 0 to 9, such as 250.",
        refused=(
            const(
                {
                    "basis_kind": "consent",
                    "basis_id": "999999",
                    "customer_ids": "1",
                    "recipient_name": "Energy Savers Co-op",
                    "categories": ["name"],
                    "purpose": "A home energy audit",
                    "confirmed": "1",
                }
            ),
            "Energy Savers Co-op",
        ),
    ),
    "console:agreement_agree": answering_an_agreement("installment", {}),
    "console:agreement_decline": answering_an_agreement(
        "offered_installment", {"because": "terms_declined"}, refused_amount="5"
    ),
    "console:bank_notice_no_change": Row(
        "collections_agent",
        a_bank_notice,
        "console:bank_notice",
        const({"reason": "because the customer said so"}),
        None,
        "Select a valid choice.",
        valid=const({"reason": "autopay_stopped"}),
    ),
    "console:disconnection_notice": Row(
        "collections_agent",
        the_account,
        "console:billing_account",
        const({"service": "electric", "on": "tomorrow"}),
        "tomorrow",
        "Enter a valid date.",
    ),
    "console:disconnection_order": Row(
        "collections_agent",
        the_account,
        "console:billing_account",
        const({"service": "electric", "on": "next Monday"}),
        "next Monday",
        "Enter a valid date.",
    ),
    "console:protection_facts": Row(
        "collections_agent",
        the_account,
        "console:billing_account",
        const({"income_verified_on": "in May"}),
        "in May",
        "Enter a valid date.",
    ),
    "console:deposit_ask": Row(
        "billing_clerk",
        the_account,
        "console:billing_account",
        const({"amount": "two hundred", "reason": "no_history"}),
        "two hundred",
        "Enter an amount in dollars written with the digits 0 to 9, such as 25 or 25.50.",
        valid=const({"amount": "250", "reason": "no_history"}),
        refused=(const({"amount": "0.00", "reason": "no_history"}), "0.00"),
    ),
    "console:deposit_paid": Row(
        "billing_clerk",
        a_deposit,
        "console:billing_account",
        const({"paid_on": "Monday", "reference": "R-17"}),
        "R-17",
        "Enter a valid date.",
        valid=const({"paid_on": DATE, "reference": "R-17"}),
        page_kwargs=lambda kw, w: {"account_id": w.account.pk},
    ),
    "console:agreement_request": Row(
        "collections_agent",
        past_due,
        "console:billing_account",
        const({"asked_installment": "fifty"}),
        "fifty",
        "Enter an amount in dollars written with the digits 0 to 9, such as 25 or 25.50.",
        valid=const({"asked_installment": "50"}),
    ),
    # The button pressed is the choice: anything else is drawn again with the error at the buttons; not on
    # budget billing, a stop is refused on the same page.
    "console:budget": Row(
        "billing_clerk",
        billed_three_months,
        "console:billing_account",
        const({"choice": "bogus"}),
        None,
        "Choose start or stop.",
        valid=const({"choice": "start"}),
    ),
    "console:representative_revoke": Row(
        "service_rep",
        a_representative,
        "console:representatives",
        const({"reason": "Void"}),
        "Void",
        "Say why the authority ends.",
        valid=const({"reason": "The customer revoked the power of attorney."}),
        page_kwargs=lambda kw, w: {"customer_id": w.customer.pk},
    ),
    "console:payment_received": Row(
        "billing_clerk",
        the_account,
        "console:billing_account",
        const({"amount": "forty", "method": "check", "received_on": DATE, "check_number": "1042"}),
        "forty",
        "Enter an amount in dollars written with the digits 0 to 9, such as 25 or 25.50.",
        valid=const({"amount": "40", "method": "check", "received_on": DATE, "check_number": "1042"}),
        refused=(
            const({"amount": "40", "method": "cash", "received_on": DATE, "check_number": "1042"}),
            "1042",
        ),
    ),
    "console:refund_sent": Row(
        "billing_clerk",
        a_refund,
        "console:billing",
        const({"check_number": "Check 10044 " + "9" * 20}),
        "Check 10044",
        "Ensure this value has at most 20 characters",
        valid=const({"check_number": "10044"}),
        refused=(const({"check_number": "10 44"}), "10 44"),
        page_kwargs=lambda kw, w: {},
    ),
    "console:review": Row(
        "privacy_officer",
        a_grant,
        "console:privacy",
        const({"note": "Justified: a gas leak " + LONG}),
        "Justified: a gas leak",
        "Ensure this value has at most 2000 characters",
        valid=const({"note": "Justified: a gas leak."}),
        page_kwargs=lambda kw, w: {},
    ),
    "console:break_glass": Row(
        "field_tech",
        the_customer,
        "console:customer",
        const({"purpose": "resolving_problems", "reason": "Gas smell"}),
        "Gas smell",
        "Ensure this value has at least 10 characters",
    ),
    "console:account_stop": Row(
        "field_tech",
        the_account,
        "console:account_service",
        const({"closed_on": "end of the month", "owner_customer_id": "12"}),
        "end of the month",
        "Enter a valid date.",
    ),
    "console:account_move": Row(
        "field_tech",
        the_account,
        "console:account_service",
        const(
            {"moving_on": "soon", "meter": "E-1", "new_service_address": "9 Oak Avenue", "channel": "phone"}
        ),
        "9 Oak Avenue",
        "Enter a valid date.",
    ),
    "console:flag_review": Row(
        "privacy_officer",
        a_flag,
        "console:privacy",
        flagged("Exceptions of the October bill run " + LONG),
        "Exceptions of the October bill run",
        "Ensure this value has at most 2000 characters",
        valid=flagged("Exceptions of the October bill run."),
    ),
    "console:third_party_review": Row(
        "privacy_officer",
        a_third_party,
        "console:third_parties",
        const({"decision": "suspended", "note": "Customers complained " + LONG}),
        "Customers complained",
        "Ensure this value has at most 500 characters",
        valid=const({"decision": "approved"}),
        page_kwargs=lambda kwargs, w: {},
    ),
    "console:determination_approve": approved_after_reauthenticating(
        "counsel", a_waiting_determination, "console:determinations"
    ),
    "console:staff_change_approve": approved_after_reauthenticating(
        "privacy_officer", a_held_change, "console:staff_changes"
    ),
    "console:law_enforcement_approve": approved_after_reauthenticating(
        "counsel",
        a_police_request,
        "console:law_enforcement",
        said={"kind": "statute", "requester": "Owatonna Police Department", "law_enforcement": "yes"},
    ),
}

# Console routes that take a step with nothing typed (a button, or a choice made by the button pressed).
STEPS_WITHOUT_A_FORM = {
    "console:bank_notice_apply",
    "console:request_take",
    "console:incident_notify",
    "console:incident_from_flag",
    "console:person_deactivate",
    "console:person_reactivate",
    "console:person_second_factor",
    "console:person_password",
    "console:staff_change_decline",
    "console:determination_decline",
    "console:consent_revoke",
    "console:vendor_export",
    "console:representative_verify",
    "console:service_change_withdraw",
}
# Console routes that are pages: read with GET, or drawing their own form again when it is sent to them.
PAGES = {
    "console:disconnection_orders",
    "console:customers",
    "console:customer",
    "console:green_button",
    "console:usage_import",
    "console:representatives",
    "console:operations",
    "console:reports",
    "console:requests",
    "console:request_new",
    "console:request",
    "console:package",
    "console:correction_notice",
    "console:correction_notices",
    "console:third_parties",
    "console:privacy",
    "console:access_review",
    "console:inventory",
    "console:incidents",
    "console:incident",
    "console:retention",
    "console:marketing",
    "console:web_stats",
    "console:disclosures",
    "console:export_file",
    "console:billing",
    "console:bill",
    "console:bill_correct",
    "console:billing_account",
    "console:collections",
    "console:bank_notices",
    "console:bank_notice",
    "console:service_desk",
    "console:service_start",
    "console:reads_import",
    "console:account_service",
    "console:meter_reads",
    "console:people",
    "console:person",
    "console:staff_changes",
    "console:determinations",
    "console:law_enforcement",
    "console:law_enforcement_document",
}


def test_every_console_route_is_a_step_with_its_form_a_step_without_one_or_a_page():
    console = {name for name in named_routes("staff/") if name.startswith("console:")}
    steps_with_forms = {name.split("#")[0] for name in ROWS}
    assert console - steps_with_forms - STEPS_WITHOUT_A_FORM - PAGES == set(), "routes not checked here"
    assert (steps_with_forms | STEPS_WITHOUT_A_FORM | PAGES) - console == set(), "rows of no route"
    # A step written with `steps.steps_on` says what it takes: those listed without a form take none.
    for name in STEPS_WITHOUT_A_FORM:
        taken = getattr(resolve(reverse(name, kwargs=_any_kwargs(name))).func, "step_form", None)
        assert taken is None, (name, taken)


def _any_kwargs(name):
    pattern = named_routes("staff/")[name]
    return {key: 1 for key in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}


@pytest.fixture
def world(request, customer, open_request, field_tech, billing_clerk, monkeypatch):
    def make(row: Row):
        user = request.getfixturevalue(row.persona)
        w = SimpleNamespace(
            user=user,
            customer=customer,
            account=customer.accounts.get(),
            open_request=open_request,
            field_tech=field_tech,
            billing_clerk=billing_clerk,
            monkeypatch=monkeypatch,
            fixture=request.getfixturevalue,
        )
        return w, row.record(w)

    return make


def _url(name, kwargs):
    return reverse(name.split("#")[0], kwargs=kwargs)


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("name", sorted(ROWS))
def test_a_step_form_that_does_not_validate_draws_its_page_again_with_what_was_typed(name, world, console):
    row = ROWS[name]
    w, kwargs = world(row)
    client = console(w.user)
    response = client.post(_url(name, kwargs), row.invalid(kwargs, w))
    assert response.status_code == 400, (name, response.status_code, response.get("Location"))
    page = _text(response)
    _page_matches(client, row, kwargs, w, page)
    if row.typed is not None:
        assert _in_a_field(page, row.typed), (name, "what was typed is not in its field")
    assert row.error in page and 'class="usa-error-message"' in page, (name, "no error beside the field")
    if row.has_file:
        assert "Choose the file again" in page


def _page_matches(client, row, kwargs, w, page):
    """The page drawn again is the page the step came from: its title is the one its own address shows, with
    "Error: " before it."""
    own = _text(client.get(reverse(row.page, kwargs=row.page_kwargs(kwargs, w))))
    title = re.search(r"<title>(.*?)</title>", own, re.S).group(1)
    assert f"<title>Error: {title}</title>" in page


def _in_a_field(page: str, typed: str) -> bool:
    """`typed` is the value of an input or the content of a text area, not only somewhere on the page."""
    for match in re.finditer(r"<textarea[^>]*>(.*?)</textarea>|<input[^>]*value=\"([^\"]*)\"", page, re.S):
        if typed in (match.group(1) or match.group(2) or ""):
            return True
    return False


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if row.valid is not None))
def test_a_step_form_that_goes_through_still_redirects(name, world, console):
    row = ROWS[name]
    w, kwargs = world(row)
    response = console(w.user).post(_url(name, kwargs), row.valid(kwargs, w))
    assert response.status_code == 302, (name, response.status_code, _errors(_text(response)))


def _errors(page: str) -> list[str]:
    return re.findall(
        r'usa-alert--error.*?<p class="usa-alert__text">(.*?)</p>|usa-error-message[^>]*>(.*?)<', page
    )


@pytest.mark.parametrize("name", sorted(n for n, row in ROWS.items() if row.refused is not None))
def test_a_step_the_service_refuses_keeps_what_was_typed(name, world, console):
    row = ROWS[name]
    w, kwargs = world(row)
    data, typed = row.refused
    response = console(w.user).post(_url(name, kwargs), data(kwargs, w))
    assert response.status_code == 400, (name, response.status_code)
    page = _text(response)
    assert _in_a_field(page, typed), name
    if row.has_file:
        assert "Choose the file again" in page


def test_what_was_typed_is_kept_nowhere_but_the_page(world, console):
    """Nothing of the form goes into the session: the text may be personal data, stored only sealed."""
    row = ROWS["console:request_note"]
    w, kwargs = world(row)
    client = console(w.user)
    client.post(_url("console:request_note", kwargs), row.invalid(kwargs, w))
    assert "Called back at two" not in str(dict(client.session.items()))
    # The page asked again shows a new form: nothing typed comes back.
    again = _text(client.get(reverse("console:request", kwargs=kwargs)))
    assert "Called back at two" not in again


def test_the_page_drawn_again_runs_its_own_rule(world, console, web_editor):
    """A step whose page the member of staff may not open answers as the page does, for the same member: the
    web editor reads no customer's data, and the customer's page is not found for them."""
    w, kwargs = world(ROWS["console:break_glass"])
    response = console(web_editor).post(_url("console:break_glass", kwargs), {"purpose": "", "reason": "x"})
    assert response.status_code == 404
