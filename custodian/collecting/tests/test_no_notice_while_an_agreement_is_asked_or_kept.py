"""No notice of proposed disconnection while the customer's request for a payment agreement is unanswered
(Minn. Stat. § 216B.098 subd. 3 and the Cold Weather Rule have the utility offer one: it is answered
first), nor while an agreement is kept: Bob Brandt asked for one; Colin, the collections agent, is refused
by the console with the request named (400, nothing recorded, no letter), and so is the service. Once the
agreement is behind, a notice may go. The past-due letters the collections job writes tell Bob his request
is waiting, and write none to a customer keeping an agreement."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.collecting.models import DisconnectionNotice
from custodian.collecting.notices import NoticeError, disconnection_notice_send, past_due_notices_send
from custodian.collecting.services import payment_agreement_agree, payment_agreement_request
from custodian.customers.models import Account
from custodian.outbox.models import OutboundMessage
from custodian.testing import bill_charged, letter_text


@pytest.fixture
def bob(other_customer):
    """Bob's August bill unpaid ($180), past due since September 22."""
    account = Account.objects.get(customer=other_customer)
    bill_charged(account, 8, "180.00")
    return account


def test_the_service_refuses_a_notice_while_the_request_is_unanswered(bob, collections_agent):
    asked = payment_agreement_request(account_id=bob.pk, requested_on=date(2026, 10, 1))
    with pytest.raises(NoticeError, match=rf"request for a payment agreement \(agreement {asked.pk}"):
        disconnection_notice_send(
            account_id=bob.pk, service="gas", sent_on=date(2026, 10, 5), today=date(2026, 10, 5)
        )
    assert not DisconnectionNotice.objects.exists()
    assert not OutboundMessage.objects.filter(template="disconnection_notice").exists()
    # agreed and kept: still no notice
    payment_agreement_agree(
        agreement_id=asked.pk, installment=Decimal("60"), by=collections_agent, on=date(2026, 10, 6)
    )
    with pytest.raises(NoticeError, match="keeps payment agreement"):
        disconnection_notice_send(
            account_id=bob.pk, service="gas", sent_on=date(2026, 10, 8), today=date(2026, 10, 8)
        )
    # two installments missed (November 6 and December 6): behind, and a notice may go
    notice = disconnection_notice_send(
        account_id=bob.pk, service="gas", sent_on=date(2026, 12, 8), today=date(2026, 12, 8)
    )
    assert notice.amount_past_due == Decimal("180.00")


def test_the_console_refuses_it_by_name_with_a_400(bob, collections_agent, console):
    today = timezone.localdate()
    asked = payment_agreement_request(account_id=bob.pk, requested_on=today - timedelta(days=2))
    client = console(collections_agent)
    listed = client.get("/staff/collections/").content.decode()
    assert "Payment agreements asked for" in listed and f"/staff/billing/accounts/{bob.pk}/" in listed
    response = client.post(f"/staff/collections/accounts/{bob.pk}/notice/", {"service": "gas", "on": today})
    page = response.content.decode()
    assert response.status_code == 400
    assert "request for a payment agreement" in page and f"agreement {asked.pk}" in page
    assert "not answered yet" in page
    assert not DisconnectionNotice.objects.exists()


def test_the_past_due_letters_tell_of_the_request_and_spare_an_agreement_kept(
    bob, customer, collections_agent
):
    alice = Account.objects.get(customer=customer)
    bill_charged(alice, 8, "90.00")
    payment_agreement_request(account_id=bob.pk, requested_on=date(2026, 9, 28))
    kept = payment_agreement_request(account_id=alice.pk, requested_on=date(2026, 9, 27))
    payment_agreement_agree(
        agreement_id=kept.pk, installment=Decimal("30"), by=collections_agent, on=date(2026, 9, 28)
    )
    report = past_due_notices_send(on=date(2026, 10, 5))
    assert (report.sent, report.kept) == (1, 1)
    letter = OutboundMessage.objects.get(template="past_due")
    assert letter.to_customer_id == bob.customer_id
    text = letter_text(letter)
    assert "We received your request for a payment agreement on September 28, 2026" in text
    assert "we will agree a payment plan" not in text
