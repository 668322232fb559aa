"""A payment agreement's installment is bounded by what it pays: at least $10.00 a month (all of it when less
is past due) and at most the amount past due on the day it is agreed; the refusals name the limit in words.
An agreed agreement is an event on the customer in the access log, in the same transaction, and its terms go
to the customer in a letter in their language, naming the account by the number on its bill; the page says
which account, the installment and for how many months.

Personas: Colin, the collections agent, agreeing on the console; Alice, a customer with $764.36 past due who
asked for an agreement (and, in Spanish, the same letter); Mark, a marketer, who may not agree one."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.ledger import ledger_post
from custodian.billing.models import LedgerEntry
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.notices import disconnection_notice_send
from custodian.collecting.services import (
    CollectionsError,
    NotAllowed,
    payment_agreement_agree,
    payment_agreement_request,
)
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.testing import bill_charged, letter_text

NUMBER = "0010000001"  # Alice's account number (conftest)


@pytest.mark.parametrize(
    ("installment", "words"),
    [
        ("10000", "at most what is past due, $764.36"),
        ("99999999", "at most what is past due, $764.36"),
        ("764.37", "at most what is past due, $764.36"),
        ("9.99", "at least $10.00"),
        ("1", "at least $10.00"),
    ],
)
def test_an_installment_out_of_bounds_is_refused_naming_the_limit(
    asked, collections_agent, installment, words
):
    with pytest.raises(CollectionsError, match=words.replace("$", r"\$").replace(".", r"\.")):
        payment_agreement_agree(
            agreement_id=asked.pk, installment=Decimal(installment), by=collections_agent, on=date.today()
        )
    asked.refresh_from_db()
    assert asked.status == PaymentAgreement.Status.REQUESTED
    assert not AccessEvent.objects.filter(action="agreement_agreed").exists()
    assert not OutboundMessage.objects.filter(template="payment_agreement").exists()


def test_nothing_past_due_is_nothing_to_agree(customer):
    """A bill issued, not yet due: the request itself is refused, and nothing is recorded."""
    bill_charged(customer.accounts.get(), 11, "80.00")
    with pytest.raises(CollectionsError, match="nothing is past due on this account"):
        payment_agreement_request(account_id=customer.accounts.get().pk, requested_on=date.today())
    assert not PaymentAgreement.objects.exists()


def test_arrears_paid_after_asking_leave_nothing_to_agree(asked, collections_agent):
    """Alice pays what was past due before collections answer: there is nothing left to agree."""
    ledger_post(
        account_id=asked.account_id,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("-764.36"),
        posted_on=date.today(),
    )
    with pytest.raises(CollectionsError, match="nothing past due"):
        payment_agreement_agree(
            agreement_id=asked.pk, installment=Decimal("20"), by=collections_agent, on=date.today()
        )


def test_a_marketer_agrees_nothing(asked, marketer):
    with pytest.raises(NotAllowed):
        payment_agreement_agree(
            agreement_id=asked.pk, installment=Decimal("50"), by=marketer, on=date.today()
        )
    assert not AccessEvent.objects.filter(action="agreement_agreed").exists()


def test_agreed_on_the_console_logged_and_told_by_letter(asked, customer, collections_agent, console):
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{asked.pk}/agree/", {"installment": "50"}, follow=True
    )
    page = response.content.decode()
    assert (
        f"Payment agreement for account {NUMBER}: $50.00 a month for 16 months toward $764.36 past due."
        in page
    )
    asked.refresh_from_db()
    assert (asked.status, asked.monthly_installment, asked.arrears_agreed) == (
        PaymentAgreement.Status.ACTIVE,
        Decimal("50.00"),
        Decimal("764.36"),
    )
    event = AccessEvent.objects.get(action="agreement_agreed")
    assert event.customer_id == str(customer.pk) and event.actor_id == str(collections_agent.pk)
    assert (
        f"payment agreement {asked.pk} agreed on account {asked.account_id}: $50.00 a month for 16 months"
        in (event.reason)
    )
    text = letter_text(OutboundMessage.objects.get(template="payment_agreement", to_customer=customer))
    assert f"Your payment agreement for account {NUMBER}" in text
    assert "$50.00 a month toward the $764.36 past due that day, in 16 monthly installments" in text
    assert "the last ($14.36)" in text
    # Kept, it bars a notice of disconnection, which names the installment it keeps.
    with pytest.raises(Exception, match=r"\$50\.00 a month"):
        disconnection_notice_send(account_id=asked.account_id, service="gas", sent_on=date.today())


def test_a_form_out_of_bounds_says_which_bound(asked, collections_agent, console):
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{asked.pk}/agree/", {"installment": "99999999"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "more than zero" not in page
    assert "Not agreed: Monthly installment ($): Give an amount of at most $999,999.99." in page
    response = console(collections_agent).post(
        f"/staff/collections/agreements/{asked.pk}/agree/", {"installment": "10000"}
    )
    assert (
        "Not agreed: the monthly installment is at most what is past due, $764.36"
        in response.content.decode()
    )


def test_the_letter_in_spanish(asked, customer, collections_agent):
    Customer.objects.filter(pk=customer.pk).update(language="es")
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("400"), by=collections_agent, on=date.today()
    )
    text = letter_text(OutboundMessage.objects.get(template="payment_agreement", to_customer=customer))
    assert f"Su acuerdo de pago de la cuenta {NUMBER}" in text
    assert "$400.00 al mes para pagar los $764.36 vencidos ese día, en 2 cuotas mensuales" in text
    assert "la última ($364.36)" in text
