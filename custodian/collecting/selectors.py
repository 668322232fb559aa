"""Reads for collections: each account's situation under Minnesota's protections, and the worklist.

The protection facts are sealed: they are read through the gate for collecting payments (one access event
per customer), and only for the customers flagged as having any (`ProtectionOnFile`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from custodian.audit.actions import Action
from custodian.billing.arrears import Arrears, arrears_of
from custodian.billing.selectors import BILL_CATEGORY
from custodian.collecting.agreements import Standing, kept_on, standings
from custodian.collecting.facts import FIELD, ProtectionFacts
from custodian.collecting.models import (
    DisconnectionNotice,
    DisconnectionOrder,
    HeatAlert,
    PaymentAgreement,
    ProtectionOnFile,
)
from custodian.collecting.rules import (
    NOTICE_DAYS_DELIVERED,
    NOTICE_DAYS_MAILED,
    RULES,
    Situation,
    disconnection_verdict,
)
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account, ServicePoint
from custodian.policy.loader import current_policy
from custodian.vault import gate

PURPOSE = "collecting_payments"


def protection_facts_many(
    *, actor: gate.Actor, customer_ids: Sequence[int], client_ip: str = ""
) -> dict[int, ProtectionFacts]:
    """The sealed facts of the customers that have any on file, read through the gate in one bulk read for
    collecting payments (one access event per customer read). Customers with nothing on file are not read
    and get empty facts. Raises gate.Denied when the actor may not read them."""
    flagged = sorted(
        set(ProtectionOnFile.objects.filter(customer_id__in=list(customer_ids)).values_list("pk", flat=True))
    )
    facts = {cid: ProtectionFacts() for cid in customer_ids}
    if flagged:
        values = gate.reveal_many(
            actor=actor,
            customer_ids=flagged,
            fields=[FIELD],
            purpose=PURPOSE,
            client_ip=client_ip,
            action=Action.PROTECTIONS_CHECK,
        )
        facts.update({cid: ProtectionFacts.from_json(v.get(FIELD)) for cid, v in values.items()})
    return facts


def situation_for(
    account: Account,
    service: str,
    on: date,
    facts: ProtectionFacts,
    *,
    agreement_declined_that_day: bool = False,
) -> Situation:
    """Everything the rules need about one account and service on one day: the sealed facts (read by the
    caller through the gate) and what the database holds in clear."""
    # Kept as the ledger says, against the agreement's schedule (not its record's status).
    agreement_kept = bool(kept_on(account.pk, on=on))
    notices = DisconnectionNotice.objects.filter(account=account, service=service, sent_on__lte=on)
    # A notice sent before the customer asked for a payment agreement is superseded by the request: once it
    # is refused, or the agreement is not kept, a disconnection needs a new notice (§ 216B.098 subd. 3).
    asked = request_day(account.pk, on=on)
    if asked is not None:
        notices = notices.filter(sent_on__gt=asked)
    notice = notices.order_by("-sent_on", "-pk").first()
    alerts = set(HeatAlert.objects.filter(starts_on__lte=on, ends_on__gte=on).values_list("kind", flat=True))

    def by(day):
        return day is not None and day <= on

    return Situation(
        on=on,
        service=service,
        residential=account.customer.customer_class == CustomerClass.RESIDENTIAL,
        heating_fuel=account.premise.heating_fuel,
        income_qualifies=facts.income_qualifies,
        payment_agreement_kept=agreement_kept,
        referred_to_assistance=facts.referred_on is not None,
        notice_sent_on=notice.sent_on if notice else None,
        notice_delivered_in_person=bool(notice and notice.delivered_in_person),
        notice_contents=frozenset(notice.contents) if notice else frozenset(),
        notice_copied_to_assistance_provider=bool(notice and by(notice.copied_to_assistance_provider_on)),
        declined_agreement_offered_that_day=agreement_declined_that_day,
        notice_answered=bool(notice and by(notice.answered_on)),
        occupancy_investigated=bool(notice and by(notice.occupancy_investigated_on)),
        unit_occupied=notice.unit_occupied if notice else None,
        occupant_told_of_rule=bool(notice and by(notice.occupant_told_of_rule_on)),
        assistance_provider_told_unoccupied_on=(
            notice.assistance_provider_told_unoccupied_on if notice else None
        ),
        appeal_pending=bool(notice and by(notice.appeal_filed_on) and not by(notice.appeal_resolved_on)),
        heat_alerts_in_county=frozenset(alerts),
        medical_certified_on=facts.medical_certified_on,
        medical_phoned_on=facts.medical_phoned_on,
        medical_certifier=facts.medical_certifier,
        holidays=current_policy().holidays,
    )


def request_day(account_id: int, *, on: date) -> date | None:
    """The day of the account's latest request for a payment agreement made by `on` (whatever became of
    it), or None: a notice of proposed disconnection sent before it is superseded."""
    asked = PaymentAgreement.objects.filter(account_id=account_id, requested_on__lte=on)
    return asked.order_by("-requested_on").values_list("requested_on", flat=True).first()


@dataclass
class WorkItem:
    account: Account
    past_due: Decimal
    oldest_due_on: date | None  # None only when nothing past due is owed on a bill (`Arrears`)
    protections: list[str]
    agreement: str
    facts_on_file: bool


# The rules that protect a household whatever the notice and the day: what the worklist shows first.
_STANDING = {"cold_weather_protection", "extreme_heat", "medical_emergency"}


def protections_of(account: Account, on: date, facts: ProtectionFacts) -> list[str]:
    services = ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
    reasons: list[str] = []
    for service in services:
        s = situation_for(account, service, on, facts)
        for rule in RULES:
            if rule.__name__ in _STANDING:
                reasons += [f"{service}: {r}" for r in rule(s) if f"{service}: {r}" not in reasons]
    return reasons


def past_due_accounts(on: date) -> dict[int, Arrears]:
    """Accounts with an amount past due on `on`, and their oldest bill unpaid past its due date: account id →
    Arrears (`billing.arrears`, the one definition of past due that the portal and the billing page show)."""
    return arrears_of(on=on)


def collections_worklist(*, on: date, actor: gate.Actor, client_ip: str = "") -> list[WorkItem]:
    """Accounts with an amount past due, the oldest unpaid bill first, with their protections. The
    protection facts of the accounts' customers are read through the gate as `actor` for collecting
    payments, in one bulk read (one access event per customer with facts on file)."""
    owing = past_due_accounts(on)
    accounts = list(Account.objects.filter(pk__in=list(owing)).select_related("customer", "premise"))
    facts = protection_facts_many(
        actor=actor, customer_ids=sorted({a.customer_id for a in accounts}), client_ip=client_ip
    )
    # Each account's agreement in force, as it stands today against its schedule (kept, behind, asked for).
    agreements = {a: s.label for a, s in standings(owing, on=on).items()}
    items = [
        WorkItem(
            account,
            owing[account.pk].past_due,
            owing[account.pk].oldest_due_on,
            protections_of(account, on, facts[account.customer_id]),
            agreements.get(account.pk, ""),
            not facts[account.customer_id].is_empty,
        )
        for account in accounts
    ]
    return sorted(items, key=lambda i: (i.oldest_due_on or date.min, -i.past_due, i.account.pk))


def verdict_for(
    account: Account, service: str, on: date, *, actor: gate.Actor, agreement_declined_that_day=False
):
    facts = protection_facts_many(actor=actor, customer_ids=[account.customer_id])[account.customer_id]
    return disconnection_verdict(
        situation_for(account, service, on, facts, agreement_declined_that_day=agreement_declined_that_day)
    )


def _collects(asker) -> bool:
    return asker.kind == "staff" and current_policy().acts_for(asker.services, "collecting_payments")


def agreements_requested(*, fetched_by) -> list[PaymentAgreement]:
    """Payment agreements customers asked for and nobody agreed yet, oldest first, for collections staff."""
    if not _collects(fetched_by):
        return []
    requested = PaymentAgreement.objects.filter(status=PaymentAgreement.Status.REQUESTED)
    return list(requested.order_by("requested_on", "pk"))


def agreement_for(*, fetched_by, agreement_id) -> PaymentAgreement | None:
    """A payment agreement, for collections staff; None for anyone else and for one that does not exist."""
    if not _collects(fetched_by):
        return None
    return PaymentAgreement.objects.filter(pk=agreement_id).first()


def account_collections(*, fetched_by, account_id: int) -> dict:
    """An account's payment agreements, disconnection notices and orders, newest first, for staff acting for
    billing or collecting payments (an account's history is part of both)."""
    if fetched_by.kind != "staff" or not current_policy().acts_for(
        fetched_by.services, "billing", "collecting_payments"
    ):
        return {"agreements": [], "notices": [], "orders": []}
    return {
        "agreements": list(PaymentAgreement.objects.filter(account_id=account_id).order_by("-pk")),
        "notices": list(
            DisconnectionNotice.objects.filter(account_id=account_id).order_by("-sent_on", "-pk")
        ),
        "orders": list(
            DisconnectionOrder.objects.filter(account_id=account_id).order_by("-requested_at", "-pk")
        ),
    }


def agreement_standing(*, fetched_by, account_id: int, on: date) -> Standing | None:
    """The account's payment agreement in force on `on` (asked for and not answered, or agreed and not ended)
    and where it stands, or None: while one is, no other is asked for (`payment_agreement_request` refuses
    it). For staff acting for billing or collecting payments, as the account's history; None for anyone
    else."""
    if fetched_by.kind != "staff" or not current_policy().acts_for(
        fetched_by.services, "billing", "collecting_payments"
    ):
        return None
    return standings([account_id], on=on).get(account_id)


def agreements_in_force(
    *, fetched_by, customer_id: int, on: date, past_due: dict[int, Decimal] | None = None
) -> dict[int, Standing]:
    """Account id → where the payment agreement in force on each of the customer's accounts stands on `on`
    (asked for and not answered, kept, behind: `collecting.agreements`), for the customer themself or their
    representative whose authority covers the bills (an agreement pays bills); none for anyone else, at no
    cost. One query when the caller gives each account's amount past due on `on` (`past_due`)."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return {}
    if past_due is not None:
        return standings(list(past_due), on=on, past_due=past_due, customer_id=customer_id)
    ids = list(Account.objects.filter(customer_id=customer_id).values_list("pk", flat=True))
    return standings(ids, on=on, customer_id=customer_id)


def agreements_of_customer(*, fetched_by, customer_id: int) -> list[PaymentAgreement]:
    """The customer's payment agreements (on any of their accounts), newest first: the customer's own only."""
    if fetched_by.kind != "customer" or fetched_by.customer_id != customer_id:
        return []
    mine = PaymentAgreement.objects.filter(account__customer_id=customer_id)
    return list(mine.order_by("-requested_on", "-pk"))


def open_disconnection_notices(*, fetched_by: gate.Actor, customer_id: int) -> list[dict]:
    """The notices of proposed disconnection still standing on the customer's open accounts, as plain
    values for the portal home (`account_id`, `sent_on`, `act_by`: the day the notice's waiting time ends,
    after which service may be disconnected; `service`): the latest notice of each account and service,
    not answered, not under an appeal still pending (no disconnection while it is, Minn. Stat. § 216B.097
    subd. 3) and not followed by an active payment agreement; `superseded` when the customer asked for a
    payment agreement on or after the day it was sent (no disconnection follows from it: while the request
    waits nothing is disconnected, and after a refusal a new notice is needed). One query; only clear
    columns. For the customer themself or their representative whose authority covers the bills (a notice is
    about a bill past due); none for anyone else."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return []
    agreed = PaymentAgreement.objects.filter(status=PaymentAgreement.Status.ACTIVE).values("account_id")
    # The day of the account's latest request for a payment agreement, beside each notice (one query).
    asked = (
        PaymentAgreement.objects.filter(account_id=OuterRef("account_id"))
        .order_by("-requested_on")
        .values("requested_on")[:1]
    )
    rows = (
        DisconnectionNotice.objects.filter(account__customer_id=customer_id, account__closed_on__isnull=True)
        .exclude(account_id__in=agreed)
        .annotate(asked_on=Subquery(asked))
        .order_by("-sent_on", "-pk")
        .values_list(
            "account_id",
            "service",
            "sent_on",
            "delivered_in_person",
            "answered_on",
            "appeal_filed_on",
            "appeal_resolved_on",
            "asked_on",
        )
    )
    latest: dict[tuple[int, str], dict] = {}
    for (
        account_id,
        service,
        sent_on,
        in_person,
        answered_on,
        appealed_on,
        appeal_resolved_on,
        asked_on,
    ) in rows:
        if (account_id, service) in latest:
            continue  # an older notice, followed by this one
        wait = NOTICE_DAYS_DELIVERED if in_person else NOTICE_DAYS_MAILED
        latest[account_id, service] = {
            "account_id": account_id,
            "service": service,
            "sent_on": sent_on,
            "act_by": sent_on + timedelta(days=wait),
            "superseded": asked_on is not None and asked_on >= sent_on,
            "settled": answered_on is not None or (appealed_on is not None and appeal_resolved_on is None),
        }
    return [{k: v for k, v in n.items() if k != "settled"} for n in latest.values() if not n["settled"]]


def withdrawn_disconnections(*, fetched_by: gate.Actor, customer_id: int, on: date) -> list[dict]:
    """The disconnection orders of the customer's accounts withdrawn for a payment agreement whose day has not
    passed by `on` (`account_id`, `service`, `on`: the day it was planned for), soonest first, as plain values
    for the portal home: what will not happen while the request is decided or the agreement kept. For the
    customer themself or their representative whose authority covers the bills; none for anyone else."""
    if not fetched_by.reads_own(customer_id, category=BILL_CATEGORY):
        return []
    rows = DisconnectionOrder.objects.filter(
        account__customer_id=customer_id, withdrawn_at__isnull=False, scheduled_for__gte=on
    ).order_by("scheduled_for", "pk")
    return [
        {"account_id": a, "service": service, "on": day}
        for a, service, day in rows.values_list("account_id", "service", "scheduled_for")
    ]


def disconnection_orders_to_carry_out(*, fetched_by: gate.Actor, on: date) -> list[DisconnectionOrder]:
    """Field services' list: every issued disconnection order whose day is `on` or later, soonest first, the
    withdrawn ones with them, marked so (not to be carried out: `withdrawn_at`, `withdrawn_reason`). Only
    clear columns (an account's id, a service, a day). For staff whose service provides the services (field
    services, who carry them out) or collects payments (who order them); none for anyone else."""
    if fetched_by.kind != "staff" or not current_policy().acts_for(
        fetched_by.services, "providing_services", "collecting_payments"
    ):
        return []
    issued = DisconnectionOrder.objects.filter(issued=True, scheduled_for__gte=on)
    return list(issued.order_by("scheduled_for", "account_id", "pk"))
