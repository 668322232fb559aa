"""Writes of collections: payment agreements, protections' facts (sealed), notices, and disconnection orders
that the law allows (and nothing else)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from custodian.audit.actions import Action
from custodian.billing.arrears import arrears_on
from custodian.collecting.agreement_letter import (
    agreement_closed_send,
    agreement_declined_send,
    agreement_terms_send,
)
from custodian.collecting.agreements import (
    disconnection_barred_by,
    installment_refusal,
    installments_count,
)
from custodian.collecting.choices import DeclineReason
from custodian.collecting.facts import FIELD, FactsError, ProtectionFacts
from custodian.collecting.models import (
    DisconnectionNotice,
    DisconnectionOrder,
    PaymentAgreement,
    ProtectionOnFile,
)
from custodian.collecting.rules import COLD_WEATHER_NOTICE_CONTENTS
from custodian.collecting.selectors import verdict_for
from custodian.collecting.withdrawals import disconnections_withdraw
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Account, Customer, ServicePoint
from custodian.policy.loader import current_policy
from custodian.staff.services import customer_change_append
from custodian.vault.gate import Actor, policy_decision, staff_actor
from custodian.vault.services import Submission, personal_data_record


class CollectionsError(ValueError):
    pass


class NotAllowed(CollectionsError):
    """The one asking may not do this (said the same way whatever the account)."""


def may_collect(user) -> bool:
    """Staff whose support services act for collecting payments, with bills, agree payment arrangements and
    order disconnections; nobody else (no job, no anonymous caller)."""
    return (
        user is not None
        and policy_decision(current_policy(), staff_actor(user), "collecting_payments", ["bills"]).allowed
    )


class DisconnectionForbidden(CollectionsError):
    """An order the law forbids: `reasons` as the refusal records them (English, with their citations),
    `words` the same in the active language where the reason has words of its own (a payment agreement's)."""

    def __init__(self, reasons, words=None):
        self.reasons = list(reasons)
        self.words = list(words) if words is not None else list(self.reasons)
        super().__init__("the law forbids this disconnection: " + "; ".join(self.reasons))


class AgreementProtects(CollectionsError):
    """No notice of proposed disconnection for an account whose request for a payment agreement is not
    answered or whose agreement is kept (`collecting.agreements.disconnection_barred_by`): said in the active
    language, nothing recorded."""

    def __init__(self, bar):
        self.bar = bar
        super().__init__(bar.words())


# Said when a request is answered any other way on an account with nothing past due any more.
NOTHING_PAST_DUE_NOW = (
    "nothing is past due on the account now: answer the request as nothing past due now (the customer is "
    "told no agreement is needed)"
)


@transaction.atomic
def payment_agreement_request(
    *, account_id: int, requested_on: date, installment: Decimal | None = None, by=None
):
    """The customer asks for a payment agreement (portal or phone); collections agrees it. In the same
    transaction every issued disconnection order of the account not yet carried out is withdrawn, logged and
    told to the customer (`collecting.withdrawals`; the orders withdrawn are on the returned agreement's
    `withdrawn_orders`). `by`: "customer" in the portal, the member of staff who took the call, None for a
    job. Refused on an account with nothing past due on `requested_on` (nothing to agree)."""
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise CollectionsError(_("no such account"))
    if PaymentAgreement.objects.filter(
        account=account, status__in=[PaymentAgreement.Status.REQUESTED, PaymentAgreement.Status.ACTIVE]
    ).exists():
        raise CollectionsError(_("a payment agreement is already requested or active for this account"))
    # A payment agreement spreads what is past due; with nothing past due there is nothing to agree, and a
    # request left unanswered would bar the notices of disconnection all the same.
    if arrears_on(account.pk, on=requested_on).past_due <= 0:
        raise CollectionsError(
            _("nothing is past due on this account: a payment agreement spreads what is past due over months")
        )
    agreement = PaymentAgreement.objects.create(
        account=account, requested_on=requested_on, monthly_installment=installment
    )
    agreement.withdrawn_orders = disconnections_withdraw(agreement=agreement, by=by)
    return agreement


@transaction.atomic
def payment_agreement_agree(*, agreement_id: int, installment: Decimal, by, on: date):
    """Collections staff agree a requested payment agreement. Anyone else is refused before the agreement
    is even looked up, so the answer says nothing about which agreements exist. An issued disconnection
    order of the account not yet carried out is withdrawn in the same transaction
    (`collecting.withdrawals`)."""
    if not may_collect(by):
        raise NotAllowed("only collections staff agree payment agreements")
    agreement = _requested_for_update(agreement_id)
    installment = Decimal(str(installment)).quantize(Decimal("0.01"))
    # The arrears its installments pay: what is past due on the day (`collecting.agreements`), which bounds
    # the installment (`installment_refusal`).
    arrears = arrears_on(agreement.account_id, on=on).past_due
    if arrears <= 0:
        raise CollectionsError(NOTHING_PAST_DUE_NOW)
    refusal = installment_refusal(installment, arrears)
    if refusal:
        raise CollectionsError(refusal)
    agreement.status, agreement.monthly_installment = PaymentAgreement.Status.ACTIVE, installment
    agreement.agreed_by, agreement.agreed_on, agreement.arrears_agreed = by, on, arrears
    agreement.save()
    # An order still standing (one issued before the request was recorded here) is withdrawn now.
    agreement.withdrawn_orders = disconnections_withdraw(agreement=agreement, by=by)
    months = installments_count(arrears, installment)
    _answer_record(
        agreement,
        Action.PAYMENT_AGREEMENT_AGREED,
        by,
        f"agreed on account {agreement.account_id}: "
        f"${installment:,.2f} a month for {months} months toward ${arrears:,.2f} past due",
    )
    agreement_terms_send(agreement=agreement, by=by)
    return agreement


def _answer_record(agreement, action: Action, by, what: str) -> None:
    """A request for a payment agreement answered, on the customer's record in the caller's transaction (the
    letter that tells them follows)."""
    customer_change_append(
        action,
        by=by,
        customer_id=agreement.account.customer_id,
        reason=f"payment agreement {agreement.pk} {what}",
    )


def _requested_for_update(agreement_id: int) -> PaymentAgreement:
    """The request for a payment agreement not yet answered, locked; refused alike when there is none."""
    agreement = PaymentAgreement.objects.select_for_update().filter(pk=agreement_id).first()
    if agreement is None or agreement.status != PaymentAgreement.Status.REQUESTED:
        raise CollectionsError("no such requested agreement")
    return agreement


@transaction.atomic
def payment_agreement_decline(
    *, agreement_id: int, because: str, by, on: date, offered_installment: Decimal | None = None
):
    """Collections answer a request for a payment agreement without one: the customer declined the terms
    the utility offered (`offered_installment`, a monthly installment the utility could have agreed that day:
    `installment_refusal`), or the account is not a residential account (the agreement Minn. Stat.
    § 216B.098 has the utility offer is for residential customers, subd. 1). The request then no longer bars
    a notice of proposed disconnection, and a notice sent before it no longer counts
    (`collecting.selectors.request_day`): a disconnection needs a new one. On the customer's record and told
    to them by letter, in this transaction; the customer may ask again. Anyone but collections staff is
    refused before the request is looked up.

    Or nothing is past due on the account any more (`NOTHING_PAST_DUE`: payments cleared the arrears since
    the request): there is nothing for an agreement to spread, so the request is closed, recorded as such
    (`PAYMENT_AGREEMENT_CLOSED`) and the customer told by letter that no agreement is needed and that they
    may ask again if they fall behind. Refused while anything is past due. Collections close it, as they
    answer every request, rather than a payment closing it on its own: a payment may yet be returned
    unpaid, and the request then still stands, barring a notice until it is answered."""
    if not may_collect(by):
        raise NotAllowed("only collections staff answer requests for payment agreements")
    if because not in DeclineReason.values:
        raise CollectionsError(f"say why: one of {', '.join(DeclineReason.values)}")
    agreement = _requested_for_update(agreement_id)
    past_due = arrears_on(agreement.account_id, on=on).past_due
    if because == DeclineReason.NOTHING_PAST_DUE:
        return _nothing_past_due_close(agreement, past_due=past_due, by=by, on=on)
    if past_due <= 0:
        raise CollectionsError(NOTHING_PAST_DUE_NOW)
    if because == DeclineReason.TERMS_DECLINED:
        if offered_installment is None:
            raise CollectionsError("give the monthly installment the customer was offered and declined")
        offered_installment = Decimal(str(offered_installment)).quantize(Decimal("0.01"))
        # Only terms the utility could have agreed count as an offer.
        refusal = installment_refusal(offered_installment, past_due)
        if refusal:
            raise CollectionsError(f"the installment offered must be one we could agree: {refusal}")
    else:
        offered_installment = None
        if agreement.account.customer.customer_class == CustomerClass.RESIDENTIAL:
            raise CollectionsError(
                "the account is a residential account: offer it terms (Minn. Stat. § 216B.098 subd. 3)"
            )
    agreement.status, agreement.declined_because = PaymentAgreement.Status.DECLINED, because
    agreement.offered_installment, agreement.declined_by, agreement.declined_on = offered_installment, by, on
    agreement.save()
    offered = f", ${offered_installment:,.2f} a month offered" if offered_installment is not None else ""
    with translation.override("en"):  # the record's reasons are in English
        why = str(DeclineReason(because).label)
    _answer_record(
        agreement,
        Action.PAYMENT_AGREEMENT_DECLINED,
        by,
        f"on account {agreement.account_id} answered without an agreement: {why}{offered}; "
        f"${past_due:,.2f} past due",
    )
    agreement_declined_send(agreement=agreement, past_due=past_due, by=by)
    return agreement


def _nothing_past_due_close(agreement, *, past_due: Decimal, by, on: date):
    """A request closed because nothing is past due on the account any more (`payment_agreement_decline`)."""
    if past_due > 0:
        raise CollectionsError(
            f"the account has ${past_due:,.2f} past due: agree terms for it, or say why not"
        )
    agreement.status = PaymentAgreement.Status.DECLINED
    agreement.declined_because = DeclineReason.NOTHING_PAST_DUE
    agreement.offered_installment, agreement.declined_by, agreement.declined_on = None, by, on
    agreement.save()
    _answer_record(
        agreement,
        Action.PAYMENT_AGREEMENT_CLOSED,
        by,
        f"on account {agreement.account_id} closed: nothing is past due now, no agreement is needed",
    )
    agreement_closed_send(agreement=agreement, by=by)
    return agreement


@transaction.atomic
def protection_facts_record(*, customer_id: int, facts: ProtectionFacts, submission: Submission) -> None:
    """Record the household's facts for the protections against disconnection, sealed in the vault with
    their provenance (the `disconnection_protection` notice is the one to show), replacing the facts held.
    In clear only the flag that there is something to check."""
    facts.check()
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise FactsError("no such customer")
    personal_data_record(customer=customer, values={FIELD: facts.to_json()}, submission=submission)
    ProtectionOnFile.objects.update_or_create(customer=customer, defaults={"updated_at": timezone.now()})


@transaction.atomic
def disconnection_notice_record(
    *,
    account_id: int,
    service: str,
    sent_on: date,
    in_person: bool = False,
    copied_to_assistance_provider: bool = True,
    today: date | None = None,
):
    """Record the notice of proposed disconnection as sent, with every content § 216B.097 subd. 2 asks for,
    and (subd. 2(b)) its copy to the local energy assistance provider. The amount it names is the amount
    past due (`billing.arrears`) on its mailing day, or today for a notice mailed on a coming day: a bill
    not yet due is no ground for a disconnection.

    Refused (AgreementProtects, nothing recorded) while the customer's request for a payment agreement is not
    answered or an agreement is kept, on the day its amount is read."""
    account = Account.objects.get(pk=account_id)
    as_of = min(sent_on, today or timezone.localdate())
    bar = disconnection_barred_by(account.pk, on=as_of)
    if bar is not None:
        raise AgreementProtects(bar)
    return DisconnectionNotice.objects.create(
        account=account,
        service=service,
        sent_on=sent_on,
        delivered_in_person=in_person,
        contents=list(COLD_WEATHER_NOTICE_CONTENTS),
        amount_past_due=arrears_on(account.pk, on=as_of).past_due,
        copied_to_assistance_provider_on=sent_on if copied_to_assistance_provider else None,
    )


NOTICE_EVENTS = {
    "answered": "answered_on",
    "occupancy_investigated": "occupancy_investigated_on",
    "occupant_told": "occupant_told_of_rule_on",
    "assistance_provider_told_unoccupied": "assistance_provider_told_unoccupied_on",
    "appeal_filed": "appeal_filed_on",
    "appeal_resolved": "appeal_resolved_on",
    "copied_to_assistance_provider": "copied_to_assistance_provider_on",
}


@transaction.atomic
def disconnection_notice_event(
    *, notice_id: int, event: str, on: date, unit_occupied: bool | None = None
) -> DisconnectionNotice:
    """What happened after a notice (§ 216B.097 subd. 3(b)-(c)): the customer answered, the occupancy was
    investigated (and found occupied or not), the occupant was told of the rule, the energy assistance
    provider was told of an empty unit, an appeal was filed or resolved."""
    if event not in NOTICE_EVENTS:
        raise CollectionsError(f"unknown notice event {event!r}; one of {', '.join(NOTICE_EVENTS)}")
    notice = DisconnectionNotice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise CollectionsError("no such notice")
    if on < notice.sent_on:
        raise CollectionsError("that date is before the notice was sent")
    setattr(notice, NOTICE_EVENTS[event], on)
    fields = [NOTICE_EVENTS[event]]
    if event == "occupancy_investigated":
        if unit_occupied is None:
            raise CollectionsError("say whether the home was found occupied")
        notice.unit_occupied = unit_occupied
        fields.append("unit_occupied")
    notice.save(update_fields=fields)
    return notice


def account_owing(*, account_id: int, service: str, on: date, refused: type[ValueError]) -> Account:
    """The account (with its customer and premise) that has `service` at its premise and an amount past due
    on `on` (`billing.arrears`: a balance owed on bills not yet due is not enough): what a notice of
    disconnection and an order both need; `refused` says which is missing."""
    account = Account.objects.select_related("customer", "premise").filter(pk=account_id).first()
    if account is None:
        raise refused("no such account")
    if not ServicePoint.objects.filter(premise_id=account.premise_id, service=service).exists():
        raise refused(f"the premise has no {service} service")
    if arrears_on(account.pk, on=on).past_due <= 0:
        raise refused("the account owes nothing past due")
    return account


def disconnection_order_issue(
    *,
    account_id: int,
    service: str,
    on: date,
    by,
    agreement_declined_that_day: bool = False,
    actor: Actor | None = None,
) -> DisconnectionOrder:
    """Issue an order to disconnect `service` on `on`, only if no protection forbids it and money is owed;
    otherwise the refusal is recorded with its reasons and DisconnectionForbidden raised. The household's
    sealed protection facts are read through the gate as `by` for collecting payments. Only collections
    staff order disconnections: no job and no one else, refused before the account is looked up.
    (Not one transaction with the caller's: the refused attempt must stay on record.)

    First of the reasons: the customer's request for a payment agreement not yet answered, or an agreement
    kept (`collecting.agreements.disconnection_barred_by`, on the day the amount past due is read); the
    order is then refused and the refusal recorded, nothing issued."""
    if not may_collect(by) or (actor is not None and (actor.kind != "staff" or actor.id != str(by.pk))):
        raise NotAllowed("only collections staff order disconnections")
    # What is past due today, or on the day itself if that has gone by: a bill falling due before a
    # disconnection scheduled ahead is no ground for it until it is past due.
    as_of = min(on, timezone.localdate())
    account = account_owing(account_id=account_id, service=service, on=as_of, refused=CollectionsError)
    verdict = verdict_for(
        account,
        service,
        on,
        actor=actor or staff_actor(by),
        agreement_declined_that_day=agreement_declined_that_day,
    )
    bar = disconnection_barred_by(account.pk, on=as_of)
    reasons = ([bar.reason] if bar else []) + list(verdict.reasons)
    order = DisconnectionOrder.objects.create(
        account=account,
        service=service,
        scheduled_for=on,
        issued=not reasons,
        agreement_declined_that_day=agreement_declined_that_day,
        reasons=reasons,
        requested_by=by,
    )
    if reasons:  # the refusal above is kept: it was committed
        raise DisconnectionForbidden(reasons, words=([bar.words()] if bar else []) + list(verdict.reasons))
    return order
