"""Reads for collections: each account's situation under Minnesota's protections, and the worklist."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from custodian.billing.models import Bill, LedgerEntry
from custodian.collecting.models import (
    DisconnectionNotice,
    HeatAlert,
    HouseholdProtection,
    MedicalCertification,
    PaymentAgreement,
)
from custodian.collecting.rules import RULES, Situation, disconnection_verdict
from custodian.customers.models import Account, CustomerClass, ServicePoint
from custodian.policy.loader import current_policy


def situation_for(account: Account, service: str, on: date) -> Situation:
    """Everything the rules need about one account and service on one day, from the database."""
    protection = HouseholdProtection.objects.filter(customer_id=account.customer_id).first()
    agreement_kept = PaymentAgreement.objects.filter(
        account=account, status=PaymentAgreement.Status.ACTIVE
    ).exists()
    notice = (
        DisconnectionNotice.objects.filter(account=account, service=service, sent_on__lte=on)
        .order_by("-sent_on")
        .first()
    )
    medical = MedicalCertification.objects.filter(customer_id=account.customer_id).order_by("-pk").first()
    alerts = set(HeatAlert.objects.filter(starts_on__lte=on, ends_on__gte=on).values_list("kind", flat=True))
    return Situation(
        on=on,
        service=service,
        residential=account.customer.customer_class == CustomerClass.RESIDENTIAL,
        heating_fuel=account.premise.heating_fuel,
        income_qualifies=bool(protection and protection.income_verified_on),
        payment_agreement_kept=agreement_kept,
        referred_to_assistance=bool(protection and protection.referred_on),
        notice_sent_on=notice.sent_on if notice else None,
        notice_delivered_in_person=bool(notice and notice.delivered_in_person),
        notice_contents=frozenset(notice.contents) if notice else frozenset(),
        heat_alerts_in_county=frozenset(alerts),
        medical_certified_on=medical.certified_on if medical else None,
        medical_phoned_on=medical.phoned_on if medical else None,
        medical_certifier=medical.certifier_kind if medical else "",
        holidays=current_policy().holidays,
    )


@dataclass
class WorkItem:
    account: Account
    past_due: Decimal
    oldest_due_on: date
    protections: list[str]
    agreement: str


# The rules that protect a household whatever the notice and the day: what the worklist shows first.
_STANDING = {"cold_weather_protection", "extreme_heat", "medical_emergency"}


def protections_of(account: Account, on: date) -> list[str]:
    services = ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
    reasons: list[str] = []
    for service in services:
        s = situation_for(account, service, on)
        for rule in RULES:
            if rule.__name__ in _STANDING:
                reasons += [f"{service}: {r}" for r in rule(s) if f"{service}: {r}" not in reasons]
    return reasons


def collections_worklist(on: date) -> list[WorkItem]:
    """Accounts owing money on a bill past its due date, oldest first, with their protections."""
    overdue = (
        Bill.objects.filter(is_current=True, due_on__lt=on)
        .values("account_id")
        .annotate(oldest=Sum("total"))
        .values_list("account_id", flat=True)
    )
    balances = dict(
        LedgerEntry.objects.filter(account_id__in=list(overdue))
        .values("account_id")
        .annotate(s=Sum("amount"))
        .filter(s__gt=0)
        .values_list("account_id", "s")
    )
    items = []
    for account in Account.objects.filter(pk__in=list(balances)).select_related("customer", "premise"):
        oldest = (
            Bill.objects.filter(account=account, is_current=True, due_on__lt=on)
            .filter(~Q(total=0))
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        agreement = (
            PaymentAgreement.objects.filter(account=account)
            .order_by("-pk")
            .values_list("status", flat=True)
            .first()
        )
        items.append(
            WorkItem(
                account,
                Decimal(balances[account.pk]).quantize(Decimal("0.01")),
                oldest or on,
                protections_of(account, on),
                agreement or "",
            )
        )
    return sorted(items, key=lambda i: (i.oldest_due_on, -i.past_due))


def verdict_for(account: Account, service: str, on: date):
    return disconnection_verdict(situation_for(account, service, on))
