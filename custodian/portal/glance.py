"""The portal home's answers at a glance: what do I owe and when, how is my use this month against the same
month last year, and which of my requests are open. The latest bill and the usage are read through the
gate as the customer (each read one access event, as every portal read); the balance comes from the
ledger's clear amounts and the requests from their clear columns (types, dates, status: nothing personal
in them). Every read of another app's records takes the asker (`as_me`'s actor) and its selector decides
what they may see: of a representative's customer only what the authority covers (bills, requests,
consents), left out rather than refused; deciding costs no query. The balance is one query; this month and
the same month last year one read. The alerts on top (what needs the customer's attention) come from the
same statement: they cost no read of their own, one query only when a bill falls due this week (is it paid
automatically?), two only when some is past due (is a notice of proposed disconnection standing? its own
account's statement is already read; and the payment agreements in force: one asked for or agreed is told
with what it asks and when, never "ask for one", and a notice it superseded as protected by it; one more
for the disconnections it withdrew when one is asked for or kept), and one query on every load for the
consents and authorisations ending this month. A customer with several accounts (a home, a rental they
own) sees each account's balance and amount past due, as collections and the letters count them: one
account's credit never hides another's arrears; the total is labelled so."""

from datetime import date, timedelta

from django.utils import timezone

from custodian.billing.selectors import bill_document, statement_of_customer
from custodian.casework.selectors import open_requests_made_by, open_requests_of_customer, own_requests_only
from custodian.collecting.selectors import (
    agreements_in_force,
    open_disconnection_notices,
    withdrawn_disconnections,
)
from custodian.connect.selectors import consents_ending
from custodian.payments.selectors import autopay_pays_what_is_due
from custodian.portal.access import as_me
from custodian.portal.account_names import accounts_named, names_of
from custodian.usage.services import month_against_last_year
from custodian.vault.gate import Actor, Denied

# A bill due this many days ahead or fewer is worth an alert: enough time to pay before it is late.
DUE_SOON_DAYS = 7
# A consent ending this many days ahead or fewer is worth an alert: time to renew it before sharing stops.
CONSENT_ENDING_DAYS = 30


def _owed(me: dict, today: date) -> dict | None:
    where = statement_of_customer(fetched_by=me["actor"], customer_id=me["customer_id"], on=today)
    if where is None:  # no account, or not the asker's to see
        return None
    latest = None
    if where.latest_bill is not None:
        try:
            content = bill_document(
                actor=me["actor"], bill=where.latest_bill, purpose="billing", client_ip=me["client_ip"]
            )
        except Denied:
            return None
        latest = {"bill": where.latest_bill, "total": content.get("total"), "due_on": content.get("due_on")}
    return {"statement": where, "latest": latest}


def _usage(me: dict) -> dict | None:
    try:
        return month_against_last_year(**me)
    except Denied:
        return None


def _alerts(owed: dict | None, today: date, asker: Actor | None = None) -> list[dict]:
    """What needs the customer's attention, most urgent first: a notice of proposed disconnection still
    standing (the one whose waiting time ends first), a balance past its due date, then what falls
    due within the week. Only from the statement already read (a reader who may not see the bills gets
    none). What falls due on an account paid automatically is not the customer's to pay: it is told as
    such (a customer on automatic payment still expects to hear when the debit comes, and that it will)."""
    if owed is None:
        return []
    s = owed["statement"]
    alerts = []
    if s.past_due > 0 and asker is not None:
        # A notice of proposed disconnection follows a balance past due: without one there is none to ask for.
        # Only a notice whose own account still has a balance past due (another account may be the late one).
        standing = open_disconnection_notices(fetched_by=asker, customer_id=asker.customer_id)
        notices = sorted(
            (n for n in standing if (a := s.accounts.get(n["account_id"])) is not None and a.past_due > 0),
            key=lambda n: n["act_by"],
        )
        # A payment agreement asked for or agreed is told as such: what it asks and when, never "ask for one".
        agreements = agreements_in_force(
            fetched_by=asker,
            customer_id=asker.customer_id,
            on=today,
            past_due={a: each.past_due for a, each in s.accounts.items()},
        )
        # A notice the customer's request for an agreement superseded: told as protected while the request
        # waits (or the agreement is kept), not told once the request was refused (a new notice is needed).
        protects = {a for a, st in agreements.items() if st.state in ("requested", "kept")}
        notices = [n for n in notices if not n["superseded"] or n["account_id"] in protects]
        if notices:
            first = notices[0]
            alerts.append(
                {
                    "kind": "disconnection",
                    **first,
                    "overdue": first["act_by"] < today,
                    "agreement": first["account_id"] in agreements,
                    "protected": first["account_id"] in protects,
                }
            )
        # The disconnections withdrawn for an agreement asked for or kept: said with the agreement's alert.
        withdrawn = (
            withdrawn_disconnections(fetched_by=asker, customer_id=asker.customer_id, on=today)
            if protects
            else []
        )
    else:
        agreements, withdrawn = {}, []
    # Each account past due on its own (named when there are several), as its letters name it.
    for account_id, each in s.accounts.items():
        if each.past_due > 0:
            named = account_id if s.several else None
            standing = agreements.get(account_id)
            if standing is not None and standing.state in ("requested", "kept", "behind"):
                alerts.append(
                    {
                        "kind": f"agreement_{standing.state}",
                        "standing": standing,
                        "amount": each.past_due,
                        "account": named,
                        "withdrawn": [w for w in withdrawn if w["account_id"] == account_id],
                    }
                )
            else:
                alerts.append({"kind": "past_due", "amount": each.past_due, "account": named})
    coming = s.not_yet_due
    if coming > 0 and s.due_on and today <= s.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        automatic = asker is not None and autopay_pays_what_is_due(
            fetched_by=asker, customer_id=asker.customer_id, due_from=today
        )
        alerts.append({"kind": "autopay" if automatic else "due_soon", "amount": coming, "due_on": s.due_on})
    return alerts


def _consents_ending(me: dict, today: date) -> list[dict]:
    """Consents and Connect My Data authorisations ending within the month (none told to a representative
    whose authority leaves out consents: the selector decides)."""
    ending = consents_ending(
        fetched_by=me["actor"],
        customer_id=me["customer_id"],
        on=today,
        until=today + timedelta(days=CONSENT_ENDING_DAYS),
    )
    return [{"kind": "consent_ending", **c} for c in ending[:3]]


def _named(request, owed: dict | None, alerts: list[dict]) -> list:
    """Where the customer has several accounts, each account's balance by its name (the account number on
    the bill, one read through the gate: `account_names`), and the alerts naming an account so too."""
    if owed is None or not owed["statement"].several:
        return []
    names = names_of(accounts_named(request))
    for alert in alerts:
        if alert.get("account") is not None:
            alert["account"] = names.get(alert["account"], "")
    return [(names.get(aid, ""), each) for aid, each in owed["statement"].accounts.items()]


def _open_requests(request, me: dict) -> list:
    """The open requests the reader follows, as "My requests" lists them: the customer's, or those the
    representative acting made herself where her authority leaves out the customer's correspondence."""
    rep = getattr(request, "representative", None)
    if own_requests_only(rep):
        return open_requests_made_by(fetched_by=me["actor"], rep=rep)
    return open_requests_of_customer(fetched_by=me["actor"], customer_id=me["customer_id"])


def at_a_glance(request) -> dict:
    today = timezone.localdate()
    me = as_me(request)
    owed = _owed(me, today)
    alerts = _alerts(owed, today, me["actor"])
    accounts = _named(request, owed, alerts)
    return {
        # The consents and apps of a limited account are not its to see (`access.OPEN_WHILE_LIMITED`).
        "alerts": alerts + ([] if getattr(request, "limited", False) else _consents_ending(me, today)),
        "accounts": accounts,
        "owed": owed,
        "usage": _usage(me),
        "open_requests": _open_requests(request, me),
        "own_requests_only": own_requests_only(getattr(request, "representative", None)),
    }
