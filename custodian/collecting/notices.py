"""The notices of collections, every one sent through the outbox (recorded, its text sealed as the customer's
correspondence, printed by the letter-mailing vendor):

- the past-due notice, once per arrears: per account and oldest bill unpaid past its due date
  (`past_due_notices_send`);
- the notice of proposed disconnection with the five contents Minn. Stat. § 216B.097 subd. 2(a) requires and
  its copy to the local energy assistance provider (subd. 2(b)) (`disconnection_notice_send`): the notice
  is recorded (`DisconnectionNotice`) and the letter written in one transaction;
- the yearly Cold Weather Rule notice to every residential customer, between August 15 and October 1
  (§ 216B.097 subd. 1(b); `cold_weather_notice_send`).

Each is re-runnable: a notice already written (by its `regarding` key) is not written again. They are
letters: the amounts are read from the ledger's clear columns and the name and address are put on by the
mailing export; the one personal value read here is the account number the letter names (the number printed
on the bill, never the internal id: `customers.account_numbers`), read through the gate as the collections
job for collecting payments, in bulk for a run of letters. A notice of proposed disconnection must name it:
without it the notice is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.collecting.agreements import disconnection_barred_by, standings
from custodian.collecting.letters import COLLECTIONS_JOB, SERVICE_WORDS, letter_sender, utility_words
from custodian.collecting.rules import (
    COLD_WEATHER_NOTICE_CONTENTS,
    NOTICE_DAYS_MAILED,
    annual_notice_window,
)
from custodian.collecting.selectors import past_due_accounts
from custodian.collecting.services import account_owing, disconnection_notice_record
from custodian.customers.account_numbers import account_numbers
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account, Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import in_language_of, letter_send
from custodian.vault.gate import system_actor

COLD_WEATHER_JOB = "cold_weather_notice"
PURPOSE = "collecting_payments"
# Letters whose account numbers one bulk read gets (one decision, one access event per customer).
CHUNK = 1000


class NoticeError(ValueError):
    pass


def _day(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


@dataclass
class NoticeReport:
    sent: int = 0
    already: int = 0
    kept: int = 0  # past-due letters not written: the account keeps a payment agreement


def _agreement_words(standing) -> dict | None:
    """What a past-due letter says of the account's payment agreement: a request waiting for an answer, or
    an agreement behind and what it asks now and next (amounts as the letter writes them, dates as dates)."""
    if standing is None or standing.state not in ("requested", "behind"):
        return None
    a = standing.agreement
    return {
        "state": standing.state,
        "asked_on": a.requested_on,
        "agreed_on": a.agreed_on,
        "installment": f"{standing.installment or 0:,.2f}",
        "arrears": f"{standing.arrears:,.2f}",
        "owed_now": f"{standing.owed_now:,.2f}",
        "next_due_on": standing.next_due_on,
        "next_amount": f"{standing.next_amount:,.2f}",
    }


def past_due_notices_send(
    *,
    on: date,
    by=None,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> NoticeReport:
    """A past-due letter for each account with an amount past due (`billing.arrears`), once per arrears: the
    letter is keyed on the account's oldest bill unpaid past its due date, so a re-run writes nothing twice,
    a partial payment that leaves that bill unpaid writes nothing more, and a customer who catches up and
    falls behind again (a newer oldest unpaid bill) gets a new letter. The letter names that bill and the
    amount past due (not the balance: a bill not yet due is not past due).

    An account whose payment agreement is kept gets none (what it has past due is the agreement's, paid by
    its schedule: `collecting.agreements`); a customer whose request for one is waiting, or whose agreement
    is behind, gets a letter that says so and what the agreement asks, not one telling them to ask.

    Progress counts the letters: `progress_total` once, before the first is written, then `progress`."""

    owing = {a: arrears for a, arrears in past_due_accounts(on).items() if arrears.oldest_bill_id}
    agreements = standings(owing, on=on)
    report = NoticeReport(kept=sum(1 for a in agreements.values() if a.kept))
    owing = {a: arrears for a, arrears in owing.items() if not (a in agreements and agreements[a].kept)}
    accounts = Account.objects.select_related("customer").in_bulk(list(owing))
    written = set(
        OutboundMessage.objects.filter(regarding__startswith="past_due:").values_list("regarding", flat=True)
    )
    due = [
        (a, arrears)
        for a, arrears in sorted(owing.items())
        if f"past_due:{arrears.oldest_bill_id}" not in written
    ]
    report.already = len(owing) - len(due)
    if progress_total:
        progress_total(len(due))
    actor = system_actor(COLLECTIONS_JOB, on_behalf_of=by)
    for start in range(0, len(due), CHUNK):
        part = due[start : start + CHUNK]
        numbers = account_numbers(
            actor=actor,
            customer_ids=[accounts[a].customer_id for a, _ in part],
            purpose=PURPOSE,
            what_for="the account number a past-due letter names",
        )
        for account_id, arrears in part:
            customer = accounts[account_id].customer
            letter_send(
                to_customer=customer,
                template="past_due",
                context={
                    **utility_words(customer),
                    "account_number": numbers.get(customer.pk, ""),
                    "amount": f"{arrears.past_due:,.2f}",
                    # a date: the template writes it in the letter's language
                    "due_on": arrears.oldest_due_on,
                    "cycle": arrears.oldest_cycle,
                    "agreement": _agreement_words(agreements.get(account_id)),
                },
                regarding=f"past_due:{arrears.oldest_bill_id}",
                **letter_sender(by),
            )
            report.sent += 1
            if progress:
                progress(1)
    return report


# How far ahead a notice's mailing day may be set (the mailing vendor's next runs).
MAILING_DAYS_AHEAD = 14


@transaction.atomic
def disconnection_notice_send(
    *, account_id: int, service: str, sent_on: date, by=None, today: date | None = None
):
    """Record the notice of proposed disconnection of `service` and write the letter that carries it, with
    every content § 216B.097 subd. 2(a) requires; its copy goes to the energy assistance provider (subd.
    2(b)), which the record notes. Returns the notice.

    The letter is written now, so it is mailed today or on a coming mailing day, never on a day gone by:
    the customer's time to answer, and the earliest disconnection, run from the mailing, and a notice
    dated back would shorten them."""
    today = today or timezone.localdate()
    if sent_on < today:
        raise NoticeError(f"a notice is mailed today or later, not on {sent_on:%Y-%m-%d}")
    if (sent_on - today).days > MAILING_DAYS_AHEAD:
        raise NoticeError(f"a notice's mailing day is at most {MAILING_DAYS_AHEAD} days ahead")
    account = account_owing(account_id=account_id, service=service, on=today, refused=NoticeError)
    # Before the account number is read: no notice while a payment agreement is asked for or kept.
    bar = disconnection_barred_by(account_id, on=today)
    if bar is not None:
        raise NoticeError(bar.words())
    number = account_numbers(
        actor=system_actor(COLLECTIONS_JOB, on_behalf_of=by),
        customer_ids=[account.customer_id],
        purpose=PURPOSE,
    ).get(account.customer_id)
    if not number:
        raise NoticeError(
            "a notice of proposed disconnection names the customer's account number, and it could not be "
            "read (none on file, or not for collecting payments)"
        )
    notice = disconnection_notice_record(account_id=account_id, service=service, sent_on=sent_on, today=today)
    earliest = date.fromordinal(sent_on.toordinal() + NOTICE_DAYS_MAILED)
    with in_language_of(account.customer):
        words = {
            "service_words": str(SERVICE_WORDS.get(service, service)),
            "contents": [_(c) for c in COLD_WEATHER_NOTICE_CONTENTS],
        }
    letter_send(
        to_customer=account.customer,
        template="disconnection_notice",
        context={
            **utility_words(account.customer),
            **words,
            "account_number": number,
            "service": service,
            "amount": f"{notice.amount_past_due:,.2f}",
            "earliest": earliest,
        },
        regarding=f"disconnection_notice:{notice.pk}",
        **letter_sender(by),
    )
    return notice


def cold_weather_notice_send(
    *,
    on: date,
    by=None,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> NoticeReport:
    """The yearly notice of the Cold Weather Rule to every residential customer in service, between August 15
    and October 1 (§ 216B.097 subd. 1(b)); refused outside that window. Once per customer a year. Progress
    counts the letters: `progress_total` once, before the first is written, then `progress`."""
    start, end = annual_notice_window(on.year)
    if not start <= on <= end:
        raise NoticeError(
            f"the yearly Cold Weather Rule notice goes out between {_day(start)} and {_day(end)}"
        )
    regarding = f"cold_weather:{on.year}"
    ids = sorted(
        set(
            Account.objects.filter(
                closed_on__isnull=True, customer__customer_class=CustomerClass.RESIDENTIAL
            ).values_list("customer_id", flat=True)
        )
    )
    told = set(OutboundMessage.objects.filter(regarding=regarding).values_list("to_customer_id", flat=True))
    report = NoticeReport(already=len(told & set(ids)))
    customers = Customer.objects.in_bulk([c for c in ids if c not in told])
    sender = {"sent_by": by} if by is not None else {"sent_by_job": COLD_WEATHER_JOB}
    if progress_total:
        progress_total(len(customers))
    for cid in sorted(customers):
        letter_send(
            to_customer=customers[cid],
            template="cold_weather_notice",
            context={**utility_words(customers[cid]), "year": on.year},
            regarding=regarding,
            **sender,
        )
        report.sent += 1
        if progress:
            progress(1)
    return report
