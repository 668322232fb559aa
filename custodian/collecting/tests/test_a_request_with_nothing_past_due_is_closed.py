"""A request for a payment agreement whose account has nothing past due any more (payments cleared the
arrears after the request) is answered: collections close it as nothing past due now. The customer is told by
letter, in their language, that no agreement is needed and that they may ask again if they fall behind; the
answer is on the customer's record, as "who has seen or changed my data" shows it. Answered, the request no
longer bars a notice if the account falls past due again. Closing is refused while anything is past due, and
every other answer on an account with nothing past due points to it.

Personas: Colin, the collections agent; Alice, a customer who asked for an agreement with $764.36 past due
and then paid it (in English, then in Spanish); Mark, a marketer, who may answer nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words
from custodian.collecting.agreements import disconnection_barred_by
from custodian.collecting.choices import DeclineReason
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.services import (
    CollectionsError,
    NotAllowed,
    payment_agreement_agree,
    payment_agreement_decline,
)
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.payments.received import payment_received_record
from custodian.testing import bill_charged, letter_text

NUMBER = "0010000001"  # Alice's account number (conftest)
TEMPLATE = "payment_agreement_closed"
CLOSED = "agreement_closed"
# What the letter says, in each language: the account, why the request is closed, that they may ask again.
LETTER = {
    "en": (
        f"for your account {NUMBER}",
        "nothing was past due on the account any more",
        "no payment agreement is needed, and we have closed your request",
        "If you fall behind again, you may ask for a payment agreement again at any time",
    ),
    "es": (
        f"usted nos pidió un acuerdo de pago de su cuenta {NUMBER}",
        "ya no había nada vencido en la cuenta",
        "no hace falta un acuerdo de pago, y cerramos su solicitud",
        "Si vuelve a atrasarse, puede volver a pedir un acuerdo de pago",
    ),
}


@pytest.fixture
def paid(asked, collections_agent):
    """Alice then paid all that was past due: her request waits, with nothing for it to spread."""
    today = timezone.localdate()
    payment_received_record(
        account_id=asked.account_id, amount="764.36", method="cash", received_on=today, by=collections_agent
    )
    return asked


def answer(agreement, by, because=DeclineReason.NOTHING_PAST_DUE, offered=None):
    return payment_agreement_decline(
        agreement_id=agreement.pk,
        because=because,
        offered_installment=Decimal(offered) if offered is not None else None,
        by=by,
        on=timezone.localdate(),
    )


def still_waiting(agreement):
    agreement.refresh_from_db()
    assert agreement.status == PaymentAgreement.Status.REQUESTED
    assert not AccessEvent.objects.filter(action=CLOSED).exists()
    assert not OutboundMessage.objects.filter(template=TEMPLATE).exists()


def test_a_request_paid_off_is_closed_recorded_and_told(paid, customer, collections_agent):
    answer(paid, collections_agent)
    paid.refresh_from_db()
    assert (paid.status, paid.declined_because, paid.offered_installment, paid.declined_by) == (
        PaymentAgreement.Status.DECLINED,
        DeclineReason.NOTHING_PAST_DUE,
        None,
        collections_agent,
    )
    event = AccessEvent.objects.get(action=CLOSED)
    assert event.customer_id == str(customer.pk) and event.actor_id == str(collections_agent.pk)
    assert f"payment agreement {paid.pk} on account {paid.account_id} closed: nothing is past due now" in (
        event.reason
    )
    with translation.override("en"):
        (in_english,) = seen_in_words([event])
    with translation.override("es"):
        (in_spanish,) = seen_in_words([event])
    assert in_english.why == "Closed your request for a payment agreement: nothing was past due any more"
    assert in_spanish.why == "Cerró su solicitud de acuerdo de pago: ya no había nada vencido"
    assert (
        OutboundMessage.objects.filter(template=TEMPLATE, to_customer=customer).count() == 1
    )  # its words: below


def test_closed_the_request_bars_nothing_when_the_account_falls_behind_again(paid, collections_agent):
    answer(paid, collections_agent)
    bill_charged(paid.account, 10, "120.00")  # October's bill, due November 22: past due by now
    assert disconnection_barred_by(paid.account_id, on=date(2026, 11, 28)) is None


@pytest.mark.parametrize("language", sorted(LETTER))
def test_the_letter_in_the_customer_s_language(paid, customer, collections_agent, language):
    Customer.objects.filter(pk=customer.pk).update(language=language)
    answer(paid, collections_agent)
    text = letter_text(OutboundMessage.objects.get(template=TEMPLATE, to_customer=customer))
    for words in LETTER[language]:
        assert words in text, words


def test_not_closed_while_something_is_past_due(asked, collections_agent):
    with pytest.raises(CollectionsError, match=r"the account has \$764\.36 past due"):
        answer(asked, collections_agent)
    still_waiting(asked)


@pytest.mark.parametrize(
    ("because", "offered"), [(DeclineReason.TERMS_DECLINED, "50"), (DeclineReason.NOT_RESIDENTIAL, None)]
)
def test_other_answers_point_to_closing_it(paid, collections_agent, because, offered):
    with pytest.raises(CollectionsError, match="nothing is past due on the account now: answer the request"):
        answer(paid, collections_agent, because=because, offered=offered)
    with pytest.raises(CollectionsError, match="nothing is past due on the account now: answer the request"):
        payment_agreement_agree(
            agreement_id=paid.pk, installment=Decimal("50"), by=collections_agent, on=timezone.localdate()
        )
    still_waiting(paid)


def test_a_marketer_closes_nothing(paid, marketer):
    with pytest.raises(NotAllowed):
        answer(paid, marketer)
    still_waiting(paid)


def test_closed_on_the_console(paid, customer, collections_agent, console):
    page = console(collections_agent).get("/staff/collections/").content.decode()
    assert "nothing to agree: answer it as nothing past due now" in page
    assert 'value="nothing_past_due"' in page
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{paid.pk}/decline/", {"because": "nothing_past_due"}, follow=True
    )
    assert (
        f"Request for a payment agreement on account {NUMBER} closed: nothing is past due now."
    ) in response.content.decode()
    paid.refresh_from_db()
    assert paid.declined_because == DeclineReason.NOTHING_PAST_DUE
    assert OutboundMessage.objects.filter(template=TEMPLATE, to_customer=customer).exists()
