"""A request for a payment agreement is answered: agreed, or answered without an agreement when the customer
declined terms the utility could have agreed (the installment offered is kept with the answer) or when the
account is not residential (Minn. Stat. § 216B.098 subd. 1). Answered, the request no longer bars a notice
of proposed disconnection; the answer is an event on the customer in the access log, in the same
transaction, and a letter in the customer's language says why and that they may ask again. Only
collections staff answer; a residential request is never answered without terms offered.

Personas: Colin, the collections agent; Alice, a customer with $764.36 past due who asked for an agreement
(in English, then in Spanish); Mark, a marketer, who may answer nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.collecting.agreements import disconnection_barred_by
from custodian.collecting.choices import DeclineReason
from custodian.collecting.models import DisconnectionNotice, PaymentAgreement
from custodian.collecting.notices import NoticeError, disconnection_notice_send
from custodian.collecting.services import (
    CollectionsError,
    NotAllowed,
    payment_agreement_decline,
    payment_agreement_request,
)
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.testing import letter_text

NUMBER = "0010000001"  # Alice's account number (conftest)
TEMPLATE = "payment_agreement_declined"
COULD_AGREE = "the installment offered must be one we could agree: "


def decline(asked, by, because=DeclineReason.TERMS_DECLINED, offered="50"):
    return payment_agreement_decline(
        agreement_id=asked.pk,
        because=because,
        offered_installment=Decimal(offered) if offered is not None else None,
        by=by,
        on=timezone.localdate(),
    )


def nothing_answered(asked):
    asked.refresh_from_db()
    assert asked.status == PaymentAgreement.Status.REQUESTED
    assert not AccessEvent.objects.filter(action="agreement_declined").exists()
    assert not OutboundMessage.objects.filter(template=TEMPLATE).exists()


def test_declined_terms_lift_the_bar_and_are_logged_and_told(asked, customer, collections_agent):
    with pytest.raises(NoticeError, match="is not answered yet"):
        disconnection_notice_send(account_id=asked.account_id, service="gas", sent_on=date.today())
    decline(asked, collections_agent)
    asked.refresh_from_db()
    assert (asked.status, asked.declined_because, asked.offered_installment, asked.declined_by) == (
        PaymentAgreement.Status.DECLINED,
        DeclineReason.TERMS_DECLINED,
        Decimal("50.00"),
        collections_agent,
    )
    event = AccessEvent.objects.get(action="agreement_declined")
    assert event.customer_id == str(customer.pk) and event.actor_id == str(collections_agent.pk)
    assert (
        f"payment agreement {asked.pk} on account {asked.account_id} answered without an agreement: "
        "The customer declined the terms we offered, $50.00 a month offered; $764.36 past due"
    ) in event.reason
    text = letter_text(OutboundMessage.objects.get(template=TEMPLATE, to_customer=customer))
    assert f"Your request for a payment agreement for account {NUMBER}" in text
    assert "you declined the terms we offered, $50.00 a month toward what was past due" in text
    assert "That day $764.36 was past due" in text
    assert "you may ask for a payment agreement again at any time" in text
    # Answered, the request bars nothing: a notice may now be sent.
    assert disconnection_barred_by(asked.account_id, on=date.today()) is None
    disconnection_notice_send(account_id=asked.account_id, service="gas", sent_on=date.today())
    assert DisconnectionNotice.objects.filter(account_id=asked.account_id).exists()


def test_the_customer_may_ask_again_and_is_protected_again(asked, collections_agent):
    decline(asked, collections_agent)
    again = payment_agreement_request(account_id=asked.account_id, requested_on=timezone.localdate())
    assert again.status == PaymentAgreement.Status.REQUESTED
    assert disconnection_barred_by(asked.account_id, on=date.today()) is not None


@pytest.mark.parametrize(
    ("offered", "words"),
    [
        (None, "give the monthly installment the customer was offered and declined"),
        ("9.99", f"{COULD_AGREE}.*at least \\$10\\.00"),
        ("800", f"{COULD_AGREE}.*at most what is past due, \\$764\\.36"),
    ],
)
def test_an_offer_the_utility_could_not_have_agreed_is_no_answer(asked, collections_agent, offered, words):
    with pytest.raises(CollectionsError, match=words):
        decline(asked, collections_agent, offered=offered)
    nothing_answered(asked)


def test_a_residential_request_is_not_answered_as_commercial(asked, collections_agent):
    with pytest.raises(CollectionsError, match="residential account: offer it terms"):
        decline(asked, collections_agent, because=DeclineReason.NOT_RESIDENTIAL, offered=None)
    nothing_answered(asked)


def test_a_commercial_account_is_answered_without_terms(asked, customer, collections_agent):
    Customer.objects.filter(pk=customer.pk).update(customer_class=CustomerClass.COMMERCIAL)
    decline(asked, collections_agent, because=DeclineReason.NOT_RESIDENTIAL, offered="50")
    asked.refresh_from_db()
    assert asked.status == PaymentAgreement.Status.DECLINED and asked.offered_installment is None
    text = letter_text(OutboundMessage.objects.get(template=TEMPLATE, to_customer=customer))
    assert "the account is not a residential account" in text


def test_a_marketer_answers_nothing(asked, marketer):
    with pytest.raises(NotAllowed):
        decline(asked, marketer)
    nothing_answered(asked)


def test_an_answered_request_is_not_answered_twice(asked, collections_agent):
    decline(asked, collections_agent)
    with pytest.raises(CollectionsError, match="no such requested agreement"):
        decline(asked, collections_agent)
    assert AccessEvent.objects.filter(action="agreement_declined").count() == 1


def test_answered_on_the_console(asked, customer, collections_agent, console):
    page = console(collections_agent).get("/staff/collections/").content.decode()
    assert f'action="/staff/collections/agreements/{asked.pk}/decline/"' in page
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{asked.pk}/decline/",
        {"because": "terms_declined", "offered_installment": "50"},
        follow=True,
    )
    assert (
        f"Request for a payment agreement on account {NUMBER} answered without an agreement (the customer "
        "declined the terms we offered)."
    ) in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == PaymentAgreement.Status.DECLINED


def test_the_console_refusal_names_what_is_missing(asked, collections_agent, console):
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{asked.pk}/decline/", {"because": "terms_declined"}
    )
    assert "Not answered: give the monthly installment the customer was offered and declined." in (
        response.content.decode()
    )
    nothing_answered(asked)


def test_the_letter_in_spanish(asked, customer, collections_agent):
    Customer.objects.filter(pk=customer.pk).update(language="es")
    decline(asked, collections_agent)
    text = letter_text(OutboundMessage.objects.get(template=TEMPLATE, to_customer=customer))
    assert f"Su solicitud de acuerdo de pago de la cuenta {NUMBER}" in text
    assert "usted no aceptó las condiciones que le ofrecimos, $50.00 al mes" in text
    assert "Ese día había $764.36 vencidos" in text
