"""Writes for customer accounts: opening an account from the customer's application.

The account's structure (premise, service points, the account joining customer and premise) is stored in
clear; the personal values the customer submitted go to the vault, encrypted, with the submission's
provenance, in the same transaction.

One module (over 400 lines) on purpose: enrolment, starting, stopping and moving service write the same
account rows with the same notice fields and access-log changes, and the rule that one premise has one open
account at a time is kept by these writers together.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from custodian.audit.actions import Action
from custodian.customers.changes import record_change_append
from custodian.customers.choices import SERVICE_UNITS, AccountRole, CloseReason, CustomerClass
from custodian.customers.models import Account, Customer, Premise, ServiceChange, ServicePoint
from custodian.policy.loader import current_policy
from custodian.vault.choices import PERSON_CHANNELS, Channel
from custodian.vault.services import Submission, documents_seal_many, personal_data_record_many


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
                opened_notice_version=(submission.notice_version or notice.version) if notice else "",
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


APPLICATION_NOTICE = "account_application"
METERING_NOTICE = "metering"


def _notice_fields(submission: Submission | None, notices_shown: Sequence[str] = ()) -> dict[str, str]:
    """The notices at collection the account records: the application's (the submission's, or shown to a
    known customer starting service again) and the metering notice, each only when it was shown."""
    notices = current_policy().notices
    shown = set(notices_shown) | ({submission.notice_key} if submission else set())
    application = notices.get(APPLICATION_NOTICE) if APPLICATION_NOTICE in shown else None
    metering = notices.get(METERING_NOTICE) if METERING_NOTICE in shown else None
    return {
        "opened_notice_key": application.key if application else "",
        # The version the person was shown (a form carries it), else the one in force.
        "opened_notice_version": (
            (submission.notice_version if submission and submission.notice_key == APPLICATION_NOTICE else "")
            or application.version
        )
        if application
        else "",
        "metering_notice_key": metering.key if metering else "",
        "metering_notice_version": metering.version if metering else "",
    }


def _close_owner_vacancy(premise_id: int, *, before: date, by) -> None:
    """A tenant's move-in ends the owner's vacancy account the day before."""
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
    record_change_append(
        Action.SERVICE_STOPPED,
        owner,
        f"closed {last_day.isoformat()}: {CloseReason.TENANT_MOVED_IN.label}",
        by=by,
    )


@transaction.atomic
def account_start(
    *,
    premise_id: int,
    opened_on: date,
    customer_id: int | None = None,
    application: Application | None = None,
    submission: Submission | None = None,
    role: str = AccountRole.OCCUPANT,
    notices_shown: Sequence[str] = (),
    by=None,
) -> Account:
    """Start service at an existing premise (a move-in): for a customer we know (`customer_id`) or a new
    one (`application`, whose personal values go to the vault with `submission`'s provenance). The premise
    and its meters stay as they are; an owner's vacancy account there ends the day before. `notices_shown`:
    the notices at collection the customer was shown (the account records which, with their versions);
    `by`: the member of staff (None: the command line), named in the access log's event."""
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
        _close_owner_vacancy(premise.pk, before=opened_on, by=by)
    if application is not None:
        if submission is None or submission.notice_key != APPLICATION_NOTICE:
            raise AccountError("a new customer's application needs its provenance and the application notice")
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
    account = Account.objects.create(
        customer=customer,
        premise=premise,
        role=role,
        opened_on=opened_on,
        **_notice_fields(submission, notices_shown),
    )
    record_change_append(
        Action.SERVICE_STARTED,
        account,
        f"opened {opened_on.isoformat()} at premise {premise.pk} ({role})",
        by=by,
    )
    return account


@transaction.atomic
def account_stop(
    *,
    account_id: int,
    closed_on: date,
    reason: str = CloseReason.MOVE_OUT,
    owner_customer_id: int | None = None,
    by=None,
) -> Account:
    """Stop service (a move-out): `closed_on` is the last day of service, the day of the final read. The
    closing date is where the retention schedule counts from. With `owner_customer_id`, the owner's vacancy
    account opens the next day, so the premise is never without someone responsible for its service."""
    if reason not in CloseReason.values:
        raise AccountError(f"reason {reason!r} is not one of {CloseReason.values}")
    account = Account.objects.select_for_update().filter(pk=account_id).first()
    if account is None:
        raise AccountError("no such account")
    if account.closed_on is not None:
        raise AccountError(f"this account closed on {account.closed_on.isoformat()}")
    if closed_on < account.opened_on:
        raise AccountError("service can't stop before it started")
    if owner_customer_id is not None and owner_customer_id == account.customer_id:
        raise AccountError("the owner of a vacant unit is another customer than the one moving out")
    account.closed_on, account.close_reason = closed_on, reason
    account.save(update_fields=["closed_on", "close_reason"])
    if not Account.objects.filter(customer_id=account.customer_id, closed_on__isnull=True).exists():
        Customer.objects.filter(pk=account.customer_id).update(is_active=False)
    record_change_append(
        Action.SERVICE_STOPPED, account, f"closed {closed_on.isoformat()}: {CloseReason(reason).label}", by=by
    )
    if owner_customer_id is not None:
        account_start(
            premise_id=account.premise_id,
            opened_on=closed_on + timedelta(days=1),
            customer_id=owner_customer_id,
            role=AccountRole.OWNER,
            by=by,
        )
        Premise.objects.filter(pk=account.premise_id).update(is_vacant=True)
    return account


@transaction.atomic
def account_transfer(*, account_id: int, to_premise_id: int, moving_on: date, by=None) -> Account:
    """Transfer service within the territory: the old account's last day is the day before `moving_on`,
    the new account at `to_premise_id` starts on it. The customer's personal values stay as they are, and
    so do the notices the customer was shown when they applied."""
    old = Account.objects.select_for_update().filter(pk=account_id, closed_on__isnull=True).first()
    if old is None:
        raise AccountError("no such open account")
    if old.premise_id == to_premise_id:
        raise AccountError("the new premise is the one the customer already has")
    account_stop(
        account_id=old.pk, closed_on=moving_on - timedelta(days=1), reason=CloseReason.TRANSFER, by=by
    )
    new = account_start(premise_id=to_premise_id, opened_on=moving_on, customer_id=old.customer_id, by=by)
    notices = ("opened_notice_key", "opened_notice_version", "metering_notice_key", "metering_notice_version")
    for name in notices:
        setattr(new, name, getattr(old, name))
    new.save(update_fields=list(notices))
    record_change_append(
        Action.SERVICE_MOVED,
        old,
        f"moved to account {new.pk} (premise {to_premise_id}), {moving_on:%Y-%m-%d}",
        by=by,
    )
    return new


# A stop or a move is asked by a person the utility can verify: every channel a person reaches it by but the
# public site's anonymous web form.
SERVICE_CHANGE_CHANNELS = tuple(c.value for c in PERSON_CHANNELS if c != Channel.WEB_FORM)


def service_change_address_ref(change_id: int) -> str:
    return f"service-change/{change_id}"


@transaction.atomic
def service_change_ask(
    *,
    customer_id: int,
    account_id: int,
    kind: str,
    on: date,
    submission: Submission,
    new_service_address: str = "",
    final_bill_address: str = "",
    by=None,
) -> ServiceChange:
    """Record a customer's request to stop service or move it within the territory, for customer service to
    carry out. Shown the application notice (`submission.notice_key`), the customer may give where the final
    bill goes (their mailing address from now on, sealed with this provenance) and, for a move, the new
    service address (sealed, read by customer service through the gate to find the premise). `by`: the
    member of staff who took it, or "customer" from the portal."""
    if kind not in ServiceChange.Kind.values:
        raise AccountError(
            gettext("kind %(kind)r is not one of %(kinds)s")
            % {"kind": kind, "kinds": ServiceChange.Kind.values}
        )
    if submission.channel not in SERVICE_CHANGE_CHANNELS:
        raise AccountError(
            gettext("channel %(channel)r is not one of %(channels)s")
            % {"channel": submission.channel, "channels": SERVICE_CHANGE_CHANNELS}
        )
    if submission.notice_key != APPLICATION_NOTICE:
        raise AccountError(gettext("the customer is shown the application notice before giving an address"))
    account = (
        Account.objects.select_for_update()
        .filter(pk=account_id, customer_id=customer_id, closed_on=None)
        .first()
    )
    if account is None:
        raise AccountError(gettext("no such open account"))
    if on < account.opened_on:
        raise AccountError(gettext("the date is before service started at this address"))
    if kind == ServiceChange.Kind.TRANSFER and not new_service_address.strip():
        raise AccountError(gettext("a move needs the new service address"))
    if ServiceChange.objects.filter(account=account, status=ServiceChange.Status.REQUESTED).exists():
        raise AccountError(gettext("this account already has a request waiting; withdraw it to ask again"))
    notice = current_policy().notices[APPLICATION_NOTICE]
    change = ServiceChange.objects.create(
        customer_id=customer_id,
        account=account,
        kind=kind,
        on=on,
        channel=submission.channel,
        notice_key=notice.key,
        notice_version=notice.version,
    )
    if final_bill_address.strip():
        personal_data_record_many(
            items=[(customer_id, {"mailing_address": final_bill_address.strip()})], submission=submission
        )
    if kind == ServiceChange.Kind.TRANSFER:
        change.address_ref = service_change_address_ref(change.pk)
        change.save(update_fields=["address_ref"])
        documents_seal_many(
            category="service_address",
            items=[(customer_id, change.address_ref, new_service_address.strip().encode(), "text/plain")],
            submission=submission,
        )
    record_change_append(
        Action.SERVICE_CHANGE_ASKED,
        change,
        f"asked: {change.get_kind_display()} on {on.isoformat()} (account {account.pk})",
        by=by,
    )
    return change


@transaction.atomic
def service_change_close(
    *, change_id: int, status: str, by, result_account: Account | None = None
) -> ServiceChange:
    """Mark a request done (with the account it led to) or withdrawn."""
    if status not in (ServiceChange.Status.DONE, ServiceChange.Status.WITHDRAWN):
        raise AccountError(f"status {status!r}: a request is closed as done or withdrawn")
    change = (
        ServiceChange.objects.select_for_update()
        .filter(pk=change_id, status=ServiceChange.Status.REQUESTED)
        .first()
    )
    if change is None:
        raise AccountError("no such waiting request")
    change.status, change.done_at = status, timezone.now()
    change.done_by = by if by not in (None, "customer") else None
    change.result_account = result_account
    change.save(update_fields=["status", "done_at", "done_by", "result_account"])
    return change


@transaction.atomic
def service_move(
    *,
    account_id: int,
    to_premise_id: int,
    moving_on: date,
    new_service_address: str,
    submission: Submission,
    by,
    change_id: int | None = None,
) -> Account:
    """Move a customer's service within the territory: the transfer, the customer's service address from
    the moving day (sealed, with the provenance of how the customer gave it), and the request marked done."""
    if not new_service_address.strip():
        raise AccountError("the new service address is required")
    if (
        change_id is not None
        and not ServiceChange.objects.filter(
            pk=change_id, account_id=account_id, kind=ServiceChange.Kind.TRANSFER
        ).exists()
    ):
        raise AccountError("that request is not this account's move")
    old = Account.objects.filter(pk=account_id).first()
    new = account_transfer(account_id=account_id, to_premise_id=to_premise_id, moving_on=moving_on, by=by)
    personal_data_record_many(
        items=[(old.customer_id, {"service_address": new_service_address.strip()})], submission=submission
    )
    if change_id is not None:
        service_change_close(change_id=change_id, status=ServiceChange.Status.DONE, by=by, result_account=new)
    return new
