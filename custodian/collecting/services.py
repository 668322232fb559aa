"""Writes of collections: payment agreements, protections' facts, notices, and disconnection orders that
the law allows (and nothing else)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from custodian.billing.services import balance_of
from custodian.collecting.models import DisconnectionNotice, DisconnectionOrder, PaymentAgreement
from custodian.collecting.rules import COLD_WEATHER_NOTICE_CONTENTS
from custodian.collecting.selectors import verdict_for
from custodian.customers.models import Account, ServicePoint


class CollectionsError(ValueError):
    pass


class DisconnectionForbidden(CollectionsError):
    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__("the law forbids this disconnection: " + "; ".join(self.reasons))


@transaction.atomic
def payment_agreement_request(*, account_id: int, requested_on: date, installment: Decimal | None = None):
    """The customer asks for a payment agreement (portal or phone); collections agrees it."""
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise CollectionsError("no such account")
    if PaymentAgreement.objects.filter(
        account=account, status__in=[PaymentAgreement.Status.REQUESTED, PaymentAgreement.Status.ACTIVE]
    ).exists():
        raise CollectionsError("a payment agreement is already requested or active for this account")
    return PaymentAgreement.objects.create(
        account=account, requested_on=requested_on, monthly_installment=installment
    )


@transaction.atomic
def payment_agreement_agree(*, agreement_id: int, installment: Decimal, by, on: date):
    agreement = PaymentAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None or agreement.status != PaymentAgreement.Status.REQUESTED:
        raise CollectionsError("no such requested agreement")
    installment = Decimal(str(installment))
    if installment <= 0:
        raise CollectionsError("the monthly installment must be more than zero")
    agreement.status, agreement.monthly_installment = PaymentAgreement.Status.ACTIVE, installment
    agreement.agreed_by, agreement.agreed_on = by, on
    agreement.save()
    return agreement


@transaction.atomic
def disconnection_notice_record(*, account_id: int, service: str, sent_on: date, in_person: bool = False):
    """Record the notice of proposed disconnection as sent, with every content § 216B.097 subd. 2 asks for."""
    account = Account.objects.get(pk=account_id)
    return DisconnectionNotice.objects.create(
        account=account,
        service=service,
        sent_on=sent_on,
        delivered_in_person=in_person,
        contents=list(COLD_WEATHER_NOTICE_CONTENTS),
        amount_past_due=balance_of(account.pk),
    )


def disconnection_order_issue(*, account_id: int, service: str, on: date, by=None) -> DisconnectionOrder:
    """Issue an order to disconnect `service` on `on`, only if no protection forbids it and money is owed;
    otherwise the refusal is recorded with its reasons and DisconnectionForbidden raised. (Not one
    transaction with the caller's: the refused attempt must stay on record.)"""
    account = Account.objects.select_related("customer", "premise").filter(pk=account_id).first()
    if account is None:
        raise CollectionsError("no such account")
    if not ServicePoint.objects.filter(premise_id=account.premise_id, service=service).exists():
        raise CollectionsError(f"the premise has no {service} service")
    if balance_of(account.pk) <= 0:
        raise CollectionsError("the account owes nothing")
    verdict = verdict_for(account, service, on)
    order = DisconnectionOrder.objects.create(
        account=account,
        service=service,
        scheduled_for=on,
        issued=verdict.allowed,
        reasons=list(verdict.reasons),
        requested_by=by,
    )
    if not verdict.allowed:
        raise DisconnectionForbidden(verdict.reasons)  # the refusal above is kept: it was committed
    return order
