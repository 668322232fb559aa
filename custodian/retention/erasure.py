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
from django.utils.translation import gettext as _

from custodian.casework.choices import RepresentativeScope
from custodian.customers.models import Account
from custodian.dates import long_date
from custodian.outbox.services import in_language_of, letter_send
from custodian.policy.loader import current_policy
from custodian.retention.models import ErasureRecord
from custodian.retention.online_accounts import online_accounts_delete
from custodian.retention.services import destroyed_by_the_run
from custodian.vault.gate import Actor
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission, marketing_preference_set

VOLUNTARY_FIELDS = ("email", "phone")
# What an account's records hold, named in the answer by the policy file's labels of these data categories.
ACCOUNT_RECORDS = (
    "name",
    "service_address",
    "mailing_address",
    "account_number",
    "meter_usage",
    "bills",
    "correspondence",
)
MARKETING_PREFERENCE = "marketing_preference"


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


def _labels(categories) -> str:
    """Data categories by the policy file's labels, in the active language."""
    policy = current_policy()
    return "; ".join(policy.categories[c].in_language().label for c in categories if c in policy.categories)


def _citation(item) -> str:
    """The schedule item the answer cites, in the active language: the schedule's name as it is written,
    its item in the policy file's words of that language, marked until the records officer confirms it."""
    shown = item.in_language()
    mark = "" if item.confirmed else f" ({_('item to be confirmed')})"
    return f"{shown.schedule}: {shown.schedule_item}{mark}"


def erasure_answer(*, fetched_by: Actor, customer_id: int) -> ErasureAnswer | None:
    """The answer to the customer's request to erase their data (`_answer_of`), for the customer themself and
    their representative whose authority covers asking for the data to be deleted; None for anyone else, the
    same answer as for no such customer (without a query)."""
    if not fetched_by.reads_own(customer_id, scope=RepresentativeScope.CONSENTS):
        return None
    return _answer_of(customer_id)


def _answer_of(customer_id: int) -> ErasureAnswer:
    """What the utility must keep about the customer and why (with the schedule item and when it goes), and
    what it deletes now, in the active language (the portal's page, or the customer's for their letter).
    Reads only clear columns: no personal data is opened to answer. The schedule's citations stay as the
    schedule writes them."""

    policy = current_policy()
    schedule = policy.retention_schedule
    accounts = list(Account.objects.filter(customer_id=customer_id))
    open_accounts = [a for a in accounts if a.closed_on is None]
    kept = []
    item = schedule.get("closed_accounts")
    if accounts and item:
        if open_accounts:
            until = _("while your account is open, then %(period)s after it closes") % {
                "period": item.period_words()
            }
        else:
            last = max(a.closed_on for a in accounts)
            end = long_date(_years_after(last, item.amount))
            until = _("until %(day)s (%(period)s after your account closed)") % {
                "day": end,
                "period": item.period_words(),
            }
        kept.append(
            Kept(
                _labels(ACCOUNT_RECORDS),
                _(
                    "We need them to provide and bill your service, and Minnesota's records retention "
                    "schedule for cities and their utilities has us keep account records for a time after an "
                    "account closes (%(citation)s)."
                )
                % {"citation": _citation(item)},
                until,
            )
        )
    # Each record series by its label in the policy file's retention schedule.
    for key, why in (
        (
            "interval_readings",
            _("They are the record of what we billed; after the period only each month's total is kept."),
        ),
        (
            "replaced_values",
            _("So a correction or a billing dispute can be answered with what we held before."),
        ),
        (
            "access_log",
            _("It is how we, you and auditors check that your data was used only as the policy allows."),
        ),
        (
            "disclosure_accounting",
            _(
                "You have the right to know to whom your data was given; the record is kept at least six "
                "years."
            ),
        ),
    ):
        entry = schedule.get(key)
        if entry:
            kept.append(
                Kept(
                    entry.in_language().label,
                    f"{why} ({_citation(entry)})",
                    (
                        _("%(period)s, then destroyed")
                        if destroyed_by_the_run(key)
                        else _("at least %(period)s; we do not destroy it automatically after that")
                    )
                    % {"period": entry.period_words()},
                )
            )
    kept.append(
        Kept(
            _labels([MARKETING_PREFERENCE]),
            _("So no program news ever reaches you; it is the only marketing fact we keep."),
            _("as long as we keep anything about you"),
        )
    )
    deleted = [
        _(
            "Your telephone number and e-mail address (giving them was voluntary), the current ones and any "
            "earlier ones we still hold"
        ),
        _("Your marketing data: you are opted out of program news from today"),
        _(
            "Your online account (My account sign-in); you can sign up again with your account number at "
            "any time"
        ),
        _(
            "Your permissions for apps to receive your meter data (Connect My Data): they end today and the "
            "apps get nothing more; what they received before is still listed in what we gave out"
        ),
    ]
    return ErasureAnswer(kept=kept, deleted_now=deleted)


@transaction.atomic
def erasure_carry_out(*, customer, requested_via: str, recorded_by=None) -> ErasureRecord:
    """Delete what may be deleted now (voluntary contact details, marketing data, the online account), record
    it, and send the answer (what was deleted, what is kept and why) as a letter through the outbox.
    `requested_via` is how the request came (a provenance channel: portal, phone, email, paper, in_person);
    staff who recorded it name themselves in `recorded_by`."""

    with in_language_of(customer):
        answer = _answer_of(customer.pk)
    voluntary = PersonalValue.objects.filter(customer_id=customer.pk, field__in=VOLUNTARY_FIELDS)
    values, _by_model = voluntary.delete()
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
