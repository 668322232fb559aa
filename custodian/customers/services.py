"""Writes for customer accounts: opening an account from the customer's application.

The account's structure (premise, service points, the account joining customer and premise) is stored in
clear; the personal values the customer submitted go to the vault, encrypted, with the submission's
provenance, in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from custodian.customers.models import (
    SERVICE_UNITS,
    Account,
    AccountRole,
    CloseReason,
    Customer,
    CustomerClass,
    Premise,
    ServicePoint,
)
from custodian.policy.loader import current_policy
from custodian.vault.services import Submission, personal_data_record_many


class CustomerDataError(ValueError):
    pass


@dataclass
class Application:
    """A customer's application for service: what they told us and about which premise."""

    customer_class: str
    premise_type: str
    size_sqft: int
    heating_fuel: str
    zip_code: str
    feeder: str
    services: Sequence[str]
    personal: dict[str, str] = field(default_factory=dict)
    meter_numbers: dict[str, str] = field(default_factory=dict)
    is_vacant: bool = False
    on_assistance_rate: bool = False
    self_generation: bool = False
    opened_on: date | None = None  # the day service starts; today when not given


def _check(app: Application) -> None:
    if app.customer_class not in CustomerClass.values:
        raise CustomerDataError(f"customer class {app.customer_class!r} is not one of {CustomerClass.values}")
    if not app.services:
        raise CustomerDataError("an account needs at least one service")
    for key in ("name", "service_address", "mailing_address"):
        if not app.personal.get(key):
            raise CustomerDataError(f"{key.replace('_', ' ')} is required to open an account")


@transaction.atomic
def customers_enrol(*, applications: Sequence[Application], submission: Submission) -> list[Customer]:
    """Open one account per application: customer, premise, service points, and the personal values."""
    for app in applications:
        _check(app)
    customers = Customer.objects.bulk_create(
        [Customer(customer_class=a.customer_class) for a in applications]
    )
    premises = Premise.objects.bulk_create(
        [
            Premise(
                premise_type=a.premise_type,
                size_sqft=a.size_sqft,
                heating_fuel=a.heating_fuel,
                zip_code=a.zip_code,
                feeder=a.feeder,
                is_vacant=a.is_vacant,
                on_assistance_rate=a.on_assistance_rate,
                self_generation=a.self_generation,
            )
            for a in applications
        ]
    )
    notice = current_policy().notices.get(submission.notice_key)
    today = timezone.localdate()
    Account.objects.bulk_create(
        [
            Account(
                customer=c,
                premise=p,
                role=AccountRole.OCCUPANT,
                opened_on=a.opened_on or today,
                opened_notice_key=notice.key if notice else "",
                opened_notice_version=notice.version if notice else "",
            )
            for c, p, a in zip(customers, premises, applications, strict=True)
        ]
    )
    ServicePoint.objects.bulk_create(
        [
            ServicePoint(
                premise=p,
                service=s,
                unit=SERVICE_UNITS[s],
                meter_number=a.meter_numbers.get(s) or f"{s[0].upper()}{p.pk:09d}",
            )
            for p, a in zip(premises, applications, strict=True)
            for s in a.services
        ]
    )
    personal_data_record_many(
        items=[(c.pk, a.personal) for c, a in zip(customers, applications, strict=True)],
        submission=submission,
    )
    return customers


def customer_enrol(*, application: Application, submission: Submission) -> Customer:
    return customers_enrol(applications=[application], submission=submission)[0]


class AccountError(ValueError):
    """A start, stop or transfer that can't be done as asked; the message says why."""


def _notice_fields(submission: Submission | None) -> dict[str, str]:
    notice = current_policy().notices.get(submission.notice_key) if submission else None
    return {
        "opened_notice_key": notice.key if notice else "",
        "opened_notice_version": notice.version if notice else "",
    }


def _close_owner_vacancy(premise_id: int, *, before: date) -> None:
    """A tenant's move-in ends the owner's vacancy account the day before."""
    from datetime import timedelta

    owner = Account.objects.select_for_update().filter(premise_id=premise_id, closed_on__isnull=True).first()
    if owner is None:
        return
    if owner.role != AccountRole.OWNER:
        raise AccountError(
            "the premise has service in another customer's name: stop it before starting service"
        )
    last_day = before - timedelta(days=1)
    if last_day < owner.opened_on:
        raise AccountError("service can't start before the owner's vacancy account began")
    owner.closed_on, owner.close_reason = last_day, CloseReason.TENANT_MOVED_IN
    owner.save(update_fields=["closed_on", "close_reason"])


@transaction.atomic
def account_start(
    *,
    premise_id: int,
    opened_on: date,
    customer_id: int | None = None,
    application: Application | None = None,
    submission: Submission | None = None,
    role: str = AccountRole.OCCUPANT,
) -> Account:
    """Start service at an existing premise (a move-in): for a customer we know (`customer_id`) or a new
    one (`application`, whose personal values go to the vault with `submission`'s provenance). The premise
    and its meters stay as they are; an owner's vacancy account there ends the day before."""
    if (customer_id is None) == (application is None):
        raise AccountError("name either a known customer or a new customer's application")
    if role not in AccountRole.values:
        raise AccountError(f"role {role!r} is not one of {AccountRole.values}")
    premise = Premise.objects.select_for_update().filter(pk=premise_id).first()
    if premise is None:
        raise AccountError("no such premise")
    if role == AccountRole.OWNER:
        if Account.objects.filter(premise=premise, closed_on__isnull=True).exists():
            raise AccountError("an owner's account is for a vacant premise; this one has service")
    else:
        _close_owner_vacancy(premise.pk, before=opened_on)
    if application is not None:
        if submission is None:
            raise AccountError("a new customer's application needs its provenance and notice at collection")
        _check(application)
        customer = Customer.objects.create(customer_class=application.customer_class)
        personal_data_record_many(items=[(customer.pk, application.personal)], submission=submission)
    else:
        customer = (
            Customer.objects.filter(pk=customer_id).exclude(customer_class=CustomerClass.INQUIRER).first()
        )
        if customer is None:
            raise AccountError("no such customer")
    if not customer.is_active:
        customer.is_active = True
        customer.save(update_fields=["is_active"])
    if premise.is_vacant and role == AccountRole.OCCUPANT:
        premise.is_vacant = False
        premise.save(update_fields=["is_vacant"])
    return Account.objects.create(
        customer=customer, premise=premise, role=role, opened_on=opened_on, **_notice_fields(submission)
    )


@transaction.atomic
def account_stop(
    *,
    account_id: int,
    closed_on: date,
    reason: str = CloseReason.MOVE_OUT,
    owner_customer_id: int | None = None,
) -> Account:
    """Stop service (a move-out): `closed_on` is the last day of service, the day of the final read. The
    closing date is where the retention schedule counts from. With `owner_customer_id`, the owner's vacancy
    account opens the next day, so the premise is never without someone responsible for its service."""
    from datetime import timedelta

    if reason not in CloseReason.values:
        raise AccountError(f"reason {reason!r} is not one of {CloseReason.values}")
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise AccountError("no such account")
    if account.closed_on is not None:
        raise AccountError(f"this account closed on {account.closed_on.isoformat()}")
    if closed_on < account.opened_on:
        raise AccountError("service can't stop before it started")
    account.closed_on, account.close_reason = closed_on, reason
    account.save(update_fields=["closed_on", "close_reason"])
    if not Account.objects.filter(customer_id=account.customer_id, closed_on__isnull=True).exists():
        Customer.objects.filter(pk=account.customer_id).update(is_active=False)
    if owner_customer_id is not None:
        account_start(
            premise_id=account.premise_id,
            opened_on=closed_on + timedelta(days=1),
            customer_id=owner_customer_id,
            role=AccountRole.OWNER,
        )
        Premise.objects.filter(pk=account.premise_id).update(is_vacant=True)
    return account


@transaction.atomic
def account_transfer(*, account_id: int, to_premise_id: int, moving_on: date) -> Account:
    """Transfer service within the territory: the old account's last day is the day before `moving_on`,
    the new account at `to_premise_id` starts on it. The customer's personal values stay as they are."""
    from datetime import timedelta

    old = Account.objects.select_for_update().filter(pk=account_id, closed_on__isnull=True).first()
    if old is None:
        raise AccountError("no such open account")
    if old.premise_id == to_premise_id:
        raise AccountError("the new premise is the one the customer already has")
    account_stop(account_id=old.pk, closed_on=moving_on - timedelta(days=1), reason=CloseReason.TRANSFER)
    new = account_start(premise_id=to_premise_id, opened_on=moving_on, customer_id=old.customer_id)
    new.opened_notice_key, new.opened_notice_version = old.opened_notice_key, old.opened_notice_version
    new.save(update_fields=["opened_notice_key", "opened_notice_version"])
    return new
