"""A customer's request to erase their data, answered honestly.

A public utility may not delete what the law and its retention schedule make it keep (the account's records
while it is open and for the schedule's period after it closes, the access log, the accounting of
disclosures), and it says so, item by item, with the reason and the day it will be destroyed. What it may
delete it deletes now: the voluntary contact details (telephone, e-mail: the account application's notice
says they are voluntary), the marketing data (the customer is opted out and stays so: the opt-out is the one
marketing fact kept, so no program mail ever reaches them) and the online account with the documents it
holds (the address it signs in with, one waiting to be confirmed: `retention.online_accounts`). The bank
account for automatic payment and the facts for the protections against disconnection are on the side their
app decides (`vault.erasure_sides`): the bank account deleted and automatic payment stopped, unless a payment
already sent to our bank is still to be taken from it (kept until that day, then deleted by the daily
retention run: `erasure_later_finish`); the protection facts kept while an account is open and they protect
the customer from disconnection, else deleted. Every written consent still standing is revoked (the
customer's sign-in goes, so they could not revoke it online) and kept on the record with its revocation, as
the law asks; the apps' authorisations under Connect My Data end with the online account. Every category of
the policy file is on exactly one side (`categories_answered`, held by a test). The contact details given
with a request verified as the customer's, that arrived from them as someone not yet known, go with theirs.
No keyed digest or hash of what is deleted outlives it: every column of the kind is declared in
`retention.digests` (forgotten here, or why it may stay), held by a test. The answer goes out as a letter
through the outbox (the e-mail address is among what is deleted) and is shown in the portal.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from custodian.casework.choices import RepresentativeScope
from custodian.casework.representatives import representative_label
from custodian.customers.models import Account
from custodian.dates import long_date
from custodian.disclosures.models import Consent
from custodian.disclosures.services import consent_revoke
from custodian.outbox.services import in_language_of, letter_send
from custodian.policy.loader import current_policy
from custodian.retention.forgetting import CONTACT_FIELDS, digests_forget
from custodian.retention.models import ErasureRecord
from custodian.retention.online_accounts import online_accounts_delete
from custodian.retention.services import destroyed_by_the_run
from custodian.vault.erasure_sides import Side, decided_by_their_app, side_carry_out, side_of
from custodian.vault.gate import Actor
from custodian.vault.models import PersonalValue
from custodian.vault.services import Submission, marketing_preference_set

# Deleted now: giving them was voluntary (the account application's notice says so).
VOLUNTARY_FIELDS = CONTACT_FIELDS
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


def categories_answered() -> list[tuple[str, str]]:
    """Each category the answer puts on a side, with the side: deleted now, kept, or the one its app decides
    (`vault.erasure_sides`). A category of the policy file must be here exactly once."""
    return [
        *((c, "deleted now") for c in VOLUNTARY_FIELDS),
        *((c, "kept") for c in (*ACCOUNT_RECORDS, MARKETING_PREFERENCE)),
        *((c, "its app decides") for c in sorted(decided_by_their_app())),
    ]


@dataclass(frozen=True)
class Kept:
    what: str
    why: str
    until: str


@dataclass(frozen=True)
class ErasureAnswer:
    kept: list[Kept] = field(default_factory=list)
    deleted_now: list[str] = field(default_factory=list)
    # The side of each category its app decides, as the answer told it (carried out as told).
    sides: dict[str, Side] = field(default_factory=dict)


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


# How a consent the erasure revokes is recorded as revoked (`ConsentRevocation.how`).
ERASURE_REVOKES = "erasure request"


def _consents_standing(customer_id: int, *, written: bool = False) -> list[Consent]:
    """The customer's consents that stand now (`Consent.lapse`), oldest first; `written`: only those given
    in writing (on paper or on the consents page), not an app's authorisation under Connect My Data (ended
    with the online account, and said so on its own)."""
    consents = Consent.objects.select_related("revocation").filter(customer_id=customer_id)
    if written:
        consents = consents.filter(connect_authorization__isnull=True)
    return [c for c in consents.order_by("signed_at", "pk") if c.lapse() is None]


def erasure_answer(*, fetched_by: Actor, customer_id: int) -> ErasureAnswer | None:
    """The answer to the customer's request to erase their data (`_answer_of`), for the customer themself and
    their representative whose authority covers asking for the data to be deleted; None for anyone else, the
    same answer as for no such customer (without a query)."""
    if not fetched_by.reads_own(customer_id, scope=RepresentativeScope.CONSENTS):
        return None
    return _answer_of(customer_id, timezone.localdate())


def _answer_of(customer_id: int, today: date) -> ErasureAnswer:
    """What the utility must keep about the customer and why (with the schedule item and when it goes), and
    what it deletes now, in the active language (the portal's page, or the customer's for their letter).
    Reads clear columns, and the sealed facts an app must read to decide its category's side (the protection
    facts, by the collections job). The schedule's citations stay as the schedule writes them."""

    policy = current_policy()
    schedule = policy.retention_schedule
    accounts = list(Account.objects.filter(customer_id=customer_id))
    open_accounts = [a for a in accounts if a.closed_on is None]
    sides = {c: side_of(c, customer_id=customer_id, today=today) for c in sorted(decided_by_their_app())}
    kept = []
    with_the_account = ""
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
        with_the_account = until
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
    for category, side in sides.items():
        if side.kept:
            kept.append(Kept(_labels([category]), side.why, side.until or with_the_account))
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
    consents = _consents_standing(customer_id, written=True)
    if consents:
        days = ", ".join(long_date(timezone.localdate(c.signed_at)) for c in consents)
        kept.append(
            Kept(
                ngettext(
                    "Your written consent to give your data to someone outside the utility, given on "
                    "%(days)s: revoked today",
                    "Your %(count)s written consents to give your data to others outside the utility, given "
                    "on %(days)s: revoked today",
                    len(consents),
                )
                % {"count": len(consents), "days": days},
                _(
                    "You can no longer revoke them online once your online account is deleted, so we revoke "
                    "them today and nothing more is given under them. The law asks us to keep the consents "
                    "you gave, and when they were revoked, with the record of what was given under them."
                ),
                with_the_account or _("as long as we keep anything about you"),
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
        *(side.deleted for side in sides.values() if not side.kept),
        _("Your marketing data: you are opted out of program news from today"),
        _(
            "Your online account (My account sign-in) and the e-mail address you gave to sign in with it; "
            "you can sign up again with your account number at any time"
        ),
        _(
            "Your permissions for apps to receive your meter data (Connect My Data): they end today and the "
            "apps get nothing more; what they received before is still listed in what we gave out"
        ),
    ]
    return ErasureAnswer(kept=kept, deleted_now=deleted, sides=sides)


@transaction.atomic
def erasure_carry_out(
    *, customer, requested_via: str, recorded_by=None, representative=None
) -> ErasureRecord:
    """Delete what may be deleted now (voluntary contact details, the categories their app puts on that side,
    marketing data, the online account and its documents), revoke every consent still standing (kept on the
    record), as the answer says, record it (with what is kept only until a day, for `erasure_later_finish`),
    and send the answer (what was deleted, what is kept and why) as a letter through the outbox.
    `requested_via` is how the request came (a provenance channel: portal, phone, email, paper, in_person);
    staff who recorded it name themselves in `recorded_by`. `representative`: the customer's representative
    who asked in My account, acting for them (she read the answer there before and after): the letter goes
    to the customer all the same, as the one letter telling them of a request she made and what came of it
    (`casework.recipients`), saying that she asked, by the kind and number of her authority, not "you
    asked"."""

    policy = current_policy()
    with in_language_of(customer):
        answer = _answer_of(customer.pk, timezone.localdate())
        asked_by = (
            _("%(kind)s, authority #%(authority)s")
            % {"kind": str(representative.get_kind_display()).lower(), "authority": representative.pk}
            if representative is not None
            else ""
        )
    going = [*VOLUNTARY_FIELDS, *(policy.categories[c].field for c, s in answer.sides.items() if not s.kept)]
    # No keyed digest of what is deleted outlives it (`retention.digests` declares every column of the kind),
    # by the step the retention run's shredding takes too (`retention.forgetting`), which deletes the contact
    # details the customer's verified requests arrived with: among the earlier ones the answer deletes.
    arrived_with = digests_forget(customer_ids=[customer.pk], fields=going)
    values, _by_model = PersonalValue.objects.filter(customer_id=customer.pk, field__in=going).delete()
    values += arrived_with
    for category, side in answer.sides.items():
        side_carry_out(category, customer_id=customer.pk, side=side)
    later = {
        policy.categories[c].field: side.delete_on.isoformat()
        for c, side in answer.sides.items()
        if side.kept and side.delete_on is not None
    }
    asker = representative_label(representative) if representative is not None else "the customer"
    marketing_preference_set(
        customer=customer,
        opted_out=True,
        submission=Submission(
            channel=requested_via,
            notice_key="portal_profile",
            recorded_by=recorded_by,
            recorded_by_label=recorded_by.get_username() if recorded_by else asker,
            note="erasure request: opted out of marketing",
        ),
    )
    online_accounts = online_accounts_delete([customer.pk])
    # Every consent still standing is revoked (the apps' authorisations were ended with the online account):
    # without a sign-in the customer could not revoke them online, and nothing more may go out under them.
    for consent in _consents_standing(customer.pk):
        consent_revoke(consent=consent, how=ERASURE_REVOKES, recorded_by=recorded_by)
    letter = letter_send(
        to_customer=customer,
        template="erasure_answer",
        context={
            "kept": answer.kept,
            "deleted": answer.deleted_now,
            "utility": policy.utility["name"],
            "contact": policy.utility["responsible_authority"]["contact"],
            "asked_by": asked_by,
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
        deletes_later=later,
    )


@transaction.atomic
def erasure_later_finish(*, as_of: date) -> int:
    """Delete what an erasure kept only until a day (a bank account a payment already sent to our bank was
    still to be taken from) once that day has come: the values held when the erasure was carried out, not
    any the customer gave again since. Run daily with the retention run; how many values it deleted."""
    deleted = 0
    for record in ErasureRecord.objects.exclude(deletes_later={}).order_by("pk"):
        due = [f for f, day in record.deletes_later.items() if date.fromisoformat(day) <= as_of]
        if due:
            going = PersonalValue.objects.filter(
                customer_id=record.customer_id, field__in=due, recorded_at__lte=record.carried_out_at
            )
            # Every deletion of personal values forgets their digests first (`retention.forgetting`).
            digests_forget(values=going)
            n, _by_model = going.delete()
            deleted += n
    return deleted
