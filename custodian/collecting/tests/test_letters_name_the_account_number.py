"""Every collections letter names the account by the number printed on the customer's bills, never by the
database's id: the past-due letter (its subject and body, in English and in Spanish) and the notice of
proposed disconnection, which the law requires to name the customer's account. The number is personal data,
so it is read through the gate as the collections job for collecting payments (a run of letters in one bulk
read, one access event per customer), and a notice whose number can't be read is refused rather than sent
without it.

Personas: three households past due (one reads her letters in Spanish), and Colin, the collections clerk,
who mails the notice of proposed disconnection from the console."""

import re
from datetime import date

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.collecting.models import DisconnectionNotice
from custodian.collecting.notices import NoticeError, disconnection_notice_send, past_due_notices_send
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.testing import letter_text
from custodian.testing.billing import YEAR, household
from custodian.vault.models import PersonalValue

NUMBERS = [f"00400000{i:02d}" for i in range(3)]


@pytest.fixture
def town(db):
    """Three households billed for August 2026, the second reading her letters in Spanish."""
    homes = [household(f"Ostby {i}", number, YEAR) for i, number in enumerate(NUMBERS)]
    Customer.objects.filter(pk=homes[1].pk).update(language="es")
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    return homes


def _no_internal_id(text: str, account_id: int) -> None:
    assert not re.search(rf"(?i)\b(account|cuenta) {account_id}\b", text), text


def test_a_past_due_letter_names_the_account_number_on_the_bill(town):
    past_due_notices_send(on=date(2026, 9, 30))
    for customer, number in zip(town, NUMBERS, strict=True):
        letter = OutboundMessage.objects.get(template="past_due", to_customer=customer)
        text = letter_text(letter)
        account = customer.accounts.get()
        if customer.pk == town[1].pk:
            assert f"Su cuenta {number} tiene un saldo vencido" in text  # subject and body
            assert f"Su cuenta {number} tiene un saldo vencido de $" in text
        else:
            assert f"Your account {number} is past due" in text
            assert f"Your account {number} has $" in text
        _no_internal_id(text, account.pk)


def _last_seq() -> int:
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_a_run_of_letters_reads_the_numbers_in_one_bulk_read_as_the_collections_job(town):
    before = _last_seq()
    past_due_notices_send(on=date(2026, 9, 30))
    reads = AccessEvent.objects.filter(pk__gt=before, action="bulk_reveal")
    assert sorted(int(e.customer_id) for e in reads) == sorted(c.pk for c in town)
    assert {(e.actor_kind, e.purpose, e.categories, e.decision) for e in reads} == {
        ("system", "collecting_payments", "account_number", "allow")
    }
    # A re-run writes nothing, and reads nothing.
    again = _last_seq()
    assert past_due_notices_send(on=date(2026, 10, 1)).sent == 0
    assert not AccessEvent.objects.filter(pk__gt=again, action="bulk_reveal").exists()


def test_the_disconnection_notice_names_the_account_number(town, collections_agent, console):
    account = Bill.objects.get(customer=town[0]).account
    response = console(collections_agent).post(
        f"/staff/collections/accounts/{account.pk}/notice/",
        {"service": "gas", "on": date.today().isoformat()},
    )
    assert response.status_code == 302
    text = letter_text(OutboundMessage.objects.get(template="disconnection_notice"))
    assert f"NOTICE OF PROPOSED DISCONNECTION. Your account {NUMBERS[0]} owes $" in text
    _no_internal_id(text, account.pk)
    spanish = Bill.objects.get(customer=town[1]).account
    disconnection_notice_send(
        account_id=spanish.pk, service="gas", sent_on=date.today(), by=collections_agent
    )
    text = letter_text(OutboundMessage.objects.get(template="disconnection_notice", to_customer=town[1]))
    assert f"AVISO DE DESCONEXIÓN PROPUESTA. Su cuenta {NUMBERS[1]} tiene un saldo de $" in text


def test_a_notice_whose_account_number_cannot_be_read_is_refused(town, collections_agent):
    account = Bill.objects.get(customer=town[2]).account
    PersonalValue.objects.filter(customer=town[2], field="account_number").delete()
    with pytest.raises(NoticeError, match="names the customer's account number"):
        disconnection_notice_send(
            account_id=account.pk, service="gas", sent_on=date.today(), by=collections_agent
        )
    assert not DisconnectionNotice.objects.exists()
    assert not OutboundMessage.objects.filter(template="disconnection_notice").exists()
