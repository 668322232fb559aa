"""The portal home's answers at a glance: what do I owe and when, how is my use this month against the same
month last year, and which of my requests are open. The latest bill and the usage are read through the gate
as the customer (each read one access event, as every portal read); the balance comes from the ledger's clear
amounts and the requests from their clear columns (types, dates, status: nothing personal in them). What the
reader may not see (a representative whose authority leaves out bills or usage) is left out, not refused.
The balance is one query; this month and the same month last year one read. The alerts on top (what needs
the customer's attention) come from the same statement: they cost no read of their own, one query only
when a bill falls due this week (is it paid automatically?), one only when some is past due (is a notice of
proposed disconnection standing?) and one more per standing notice (is its own account past due?), and one
query on every load for the consents and authorisations ending this month."""

from datetime import date, timedelta

from django.utils import timezone

from custodian.billing.selectors import bill_document, statement, statement_of_customer
from custodian.casework.choices import RequestStatus
from custodian.casework.data_requests import requests_of_customer
from custodian.collecting.selectors import open_disconnection_notices
from custodian.connect.selectors import consents_ending
from custodian.payments.selectors import autopay_pays_what_is_due
from custodian.portal.access import CONSENTS_SCOPE, as_me
from custodian.rows import CompiledRead
from custodian.usage.services import month_against_last_year
from custodian.vault.gate import Denied

# A bill due this many days ahead or fewer is worth an alert: enough time to pay before it is late.
DUE_SOON_DAYS = 7
# A consent ending this many days ahead or fewer is worth an alert: time to renew it before sharing stops.
CONSENT_ENDING_DAYS = 30
OPEN_REQUESTS_SHOWN = 5

# The open requests of every home page, read by a query compiled once per process (compiling it cost more
# than running it).
_OPEN_REQUESTS = CompiledRead(
    lambda customer_id: requests_of_customer(customer_id=customer_id).filter(status=RequestStatus.OPEN)[
        :OPEN_REQUESTS_SHOWN
    ],
    customer_id=int,
)


def _owed(request, today: date) -> dict | None:
    where = statement_of_customer(request.customer_id, on=today)
    if where is None:  # no account
        return None
    latest = None
    if where.latest_bill is not None:
        me = as_me(request)
        try:
            content = bill_document(
                actor=me["actor"], bill=where.latest_bill, purpose="billing", client_ip=me["client_ip"]
            )
        except Denied:
            return None
        latest = {"bill": where.latest_bill, "total": content.get("total"), "due_on": content.get("due_on")}
    return {"statement": where, "latest": latest}


def _usage(request) -> dict | None:
    try:
        return month_against_last_year(**as_me(request))
    except Denied:
        return None


def _alerts(owed: dict | None, today: date, customer_id: int | None = None) -> list[dict]:
    """What needs the customer's attention, most urgent first: a notice of proposed disconnection still
    standing (the one whose waiting time ends first), a balance past its due date, then what falls
    due within the week. Only from the statement already read (a reader who may not see the bills gets
    none). What falls due on an account paid automatically is not the customer's to pay: it is told as
    such (a customer on automatic payment still expects to hear when the debit comes, and that it will)."""
    if owed is None:
        return []
    s = owed["statement"]
    alerts = []
    if s.past_due > 0 and customer_id is not None:
        # A notice of proposed disconnection follows a balance past due: without one there is none to ask for.
        # Only a notice whose own account still has a balance past due (another account may be the late one).
        standing = open_disconnection_notices(customer_id=customer_id)
        notices = sorted(
            (n for n in standing if statement([n["account_id"]], on=today).past_due > 0),
            key=lambda n: n["act_by"],
        )
        if notices:
            alerts.append({"kind": "disconnection", **notices[0], "overdue": notices[0]["act_by"] < today})
    if s.past_due > 0:
        alerts.append({"kind": "past_due", "amount": s.past_due})
    coming = s.balance - s.past_due
    if coming > 0 and s.due_on and today <= s.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        automatic = customer_id is not None and autopay_pays_what_is_due(
            customer_id=customer_id, due_from=today
        )
        alerts.append({"kind": "autopay" if automatic else "due_soon", "amount": coming, "due_on": s.due_on})
    return alerts


def _consents_ending(request, today: date) -> list[dict]:
    """Consents and Connect My Data authorisations ending within the month. A representative whose authority
    leaves out consents is not told of them (nor that there are any)."""
    rep = getattr(request, "representative", None)
    if rep is not None and CONSENTS_SCOPE not in rep.scope_list:
        return []
    ending = consents_ending(
        customer_id=request.customer_id, on=today, until=today + timedelta(days=CONSENT_ENDING_DAYS)
    )
    return [{"kind": "consent_ending", **c} for c in ending[:3]]


def at_a_glance(request) -> dict:
    today = timezone.localdate()
    owed = _owed(request, today)
    return {
        "alerts": _alerts(owed, today, request.customer_id) + _consents_ending(request, today),
        "owed": owed,
        "usage": _usage(request),
        "open_requests": _OPEN_REQUESTS.rows(customer_id=request.customer_id),
    }
