"""A customer's request to erase their data, answered honestly.

A public utility may not delete what the law and its retention schedule make it keep (the account's records
while it is open and for the schedule's period after it closes, the access log, the accounting of
disclosures), and it says so, item by item, with the reason and the day it will be destroyed. What it may
delete it deletes now: the voluntary contact details (telephone, e-mail: the account application's notice
says they are voluntary), the marketing data (the customer is opted out and stays so: the opt-out is the one
marketing fact kept, so no program mail ever reaches them) and the online account. The answer goes out as a
letter through the outbox (the e-mail address is among what is deleted) and is shown in the portal.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from custodian.customers.models import Account
from custodian.outbox.services import letter_send
from custodian.policy.loader import current_policy
from custodian.retention.models import ErasureRecord
from custodian.retention.online_accounts import online_accounts_delete
from custodian.retention.services import citation_of
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission, marketing_preference_set

VOLUNTARY_FIELDS = ("email", "phone")


@dataclass(frozen=True)
class Kept:
    what: str
    why: str
    until: str


@dataclass(frozen=True)
class ErasureAnswer:
    kept: list[Kept] = field(default_factory=list)
    deleted_now: list[str] = field(default_factory=list)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _day(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def erasure_answer(*, customer_id: int) -> ErasureAnswer:
    """What the utility must keep about the customer and why (with the schedule item and when it goes), and
    what it deletes now. Reads only clear columns: no personal data is opened to answer."""

    policy = current_policy()
    schedule = policy.retention_schedule
    accounts = list(Account.objects.filter(customer_id=customer_id))
    open_accounts = [a for a in accounts if a.closed_on is None]
    kept = []
    item = schedule.get("closed_accounts")
    if accounts and item:
        if open_accounts:
            until = f"while your account is open, then {item.period_text} after it closes"
        else:
            last = max(a.closed_on for a in accounts)
            end = _day(_years_after(last, item.amount))
            until = f"until {end} ({item.period_text} after your account closed)"
        kept.append(
            Kept(
                "Your name, service and mailing addresses, account number, meter readings, bills and our "
                "letters and messages to you",
                "We need them to provide and bill your service, and Minnesota's records retention schedule "
                "for cities and their utilities has us keep account records for a time after an account "
                f"closes ({citation_of(item)}).",
                until,
            )
        )
    for key, what, why in (
        (
            "interval_readings",
            "Your hourly meter readings",
            "They are the record of what we billed; after the period only each month's total is kept.",
        ),
        (
            "replaced_values",
            "Earlier values you replaced (an old address, say)",
            "So a correction or a billing dispute can be answered with what we held before.",
        ),
        (
            "access_log",
            "The record of who looked at your data, when and why",
            "It is how we, you and auditors check that your data was used only as the policy allows.",
        ),
        (
            "disclosure_accounting",
            "The record of whom we gave your data to",
            "You have the right to know to whom your data was given; the record is kept at least six years.",
        ),
    ):
        entry = schedule.get(key)
        if entry:
            kept.append(Kept(what, f"{why} ({citation_of(entry)})", f"{entry.period_text}, then destroyed"))
    kept.append(
        Kept(
            "That you opted out of marketing",
            "So no program news ever reaches you; it is the only marketing fact we keep.",
            "as long as we keep anything about you",
        )
    )
    deleted = [
        "Your telephone number and e-mail address (giving them was voluntary), the current ones and any "
        "earlier ones we still hold",
        "Your marketing data: you are opted out of program news from today",
        "Your online account (My account sign-in); you can sign up again with your account number at any "
        "time",
    ]
    return ErasureAnswer(kept=kept, deleted_now=deleted)


@transaction.atomic
def erasure_carry_out(*, customer, requested_via: str, recorded_by=None) -> ErasureRecord:
    """Delete what may be deleted now (voluntary contact details, marketing data, the online account), record
    it, and send the answer (what was deleted, what is kept and why) as a letter through the outbox.
    `requested_via` is how the request came (a provenance channel: portal, phone, email, paper, in_person);
    staff who recorded it name themselves in `recorded_by`."""

    answer = erasure_answer(customer_id=customer.pk)
    values, _ = PersonalValue.objects.filter(customer_id=customer.pk, field__in=VOLUNTARY_FIELDS).delete()
    marketing_preference_set(
        customer=customer,
        opted_out=True,
        submission=Submission(
            channel=requested_via,
            notice_key="portal_profile",
            recorded_by=recorded_by,
            recorded_by_label=recorded_by.get_username() if recorded_by else "the customer",
            note="erasure request: opted out of marketing",
        ),
    )
    online_accounts = online_accounts_delete([customer.pk])
    letter = letter_send(
        to_customer=customer,
        template="erasure_answer",
        context={
            "kept": answer.kept,
            "deleted": answer.deleted_now,
            "utility": current_policy().utility["name"],
            "contact": current_policy().utility["responsible_authority"]["contact"],
        },
        sent_by=recorded_by,
        sent_by_job="" if recorded_by else "erasure_requests",
        regarding=f"erasure:{customer.pk}",
    )
    return ErasureRecord.objects.create(
        customer=customer,
        carried_out_at=timezone.now(),
        requested_via=requested_via[:40],
        recorded_by=recorded_by,
        values_deleted=values,
        online_account_deleted=online_accounts > 0,
        answer_letter=letter,
    )
