"""A payment the utility took itself (a check mailed in or handed over, cash or a money order at the counter)
is recorded by staff on the account's billing page: billing staff, and collections staff where the policy
file lets them. It is posted to the ledger on the day received and pays what is past due; the customer sees
its receipt in the portal (English and Spanish); it is an event on the customer in the access log, in the
same transaction. Zero, negative or absurd amounts, days to come or long gone, a check number on cash and the
same check twice are refused in words, nothing recorded. A payment call routed to collections lands on a
page that leads to the form.

Personas: Bill, the billing clerk, at the counter; Colin, the collections agent, on the phone with a customer
who mailed a check; Mark, a marketer, who may not; Alice, the customer, reading her receipts."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.billing.arrears import arrears_on
from custodian.billing.models import LedgerEntry
from custodian.casework.services import request_open
from custodian.customers.models import Customer
from custodian.payments.models import PaymentReceived
from custodian.payments.received import PaymentRefused, payment_received_record
from custodian.testing import bill_charged, portal_browser
from custodian.testing.billing import account_opened

TODAY = timezone.localdate()


@pytest.fixture
def account(customer):
    """Alice's account since January, $120.00 past due (September's bill, due October 22)."""
    account = account_opened(customer, date(2026, 1, 1))
    bill_charged(account, 9, "120.00")
    return account


def _nothing_recorded():
    assert not PaymentReceived.objects.exists()
    assert not LedgerEntry.objects.filter(kind="payment").exists()
    assert not AccessEvent.objects.filter(action="payment_recorded").exists()


def test_a_check_at_the_counter_is_posted_logged_and_a_receipt(account, customer, billing_clerk, console):
    response = console(billing_clerk).post(
        f"/staff/billing/accounts/{account.pk}/payment/",
        {"amount": "120", "method": "check", "received_on": TODAY.isoformat(), "check_number": "1042"},
        follow=True,
    )
    payment = PaymentReceived.objects.get()
    page = response.content.decode()
    assert (
        f"Payment of $120.00 by check 1042, received {TODAY:%B} {TODAY.day}, posted: receipt {payment.pk}"
        in page
    )
    assert f"Receipt {payment.pk}: $120.00 by check 1042" in page
    assert payment.entry.amount == Decimal("-120.00") and payment.entry.posted_on == TODAY
    assert arrears_on(account.pk, on=TODAY).past_due == 0
    event = AccessEvent.objects.get(action="payment_recorded")
    assert event.customer_id == str(customer.pk) and event.actor_id == str(billing_clerk.pk)
    assert f"payment received {payment.pk} on account {account.pk}: $120.00 by check 1042" in event.reason
    portal = portal_browser(customer, "receipts").get("/portal/me/bills/").content.decode()
    assert (
        f"Receipt {payment.pk}: $120.00 received on {TODAY:%B} {TODAY.day}, {TODAY.year}, check number 1042."
        in (portal)
    )


def test_the_receipt_in_spanish(account, customer, billing_clerk):
    Customer.objects.filter(pk=customer.pk).update(language="es")
    payment = payment_received_record(
        account_id=account.pk, amount="35.50", method="money_order", received_on=TODAY, by=billing_clerk
    )
    portal = portal_browser(customer, "recibos").get("/portal/me/bills/?lang=es").content.decode()
    assert "Recibos de los pagos que recibimos" in portal
    assert f"Recibo {payment.pk}: $35.50 recibidos el" in portal and "giro postal. Gracias." in portal


def test_collections_records_a_mailed_check_the_policy_file_lets_them(account, collections_agent):
    payment = payment_received_record(
        account_id=account.pk,
        amount=Decimal("60"),
        method="check",
        received_on=TODAY - timedelta(days=3),
        check_number="77",
        by=collections_agent,
    )
    assert payment.recorded_by == collections_agent
    assert arrears_on(account.pk, on=TODAY).past_due == Decimal("60.00")


def test_a_marketer_records_nothing(account, marketer, console):
    with pytest.raises(PaymentRefused, match="only billing staff"):
        payment_received_record(
            account_id=account.pk, amount=10, method="cash", received_on=TODAY, by=marketer
        )
    response = console(marketer).post(
        f"/staff/billing/accounts/{account.pk}/payment/",
        {"amount": "10", "method": "cash", "received_on": TODAY.isoformat()},
    )
    assert response.status_code == 403
    _nothing_recorded()


@pytest.mark.parametrize(
    ("amount", "method", "days_ago", "check", "words"),
    [
        ("0", "cash", 0, "", "at least $0.01"),
        ("-20", "cash", 0, "", "at least $0.01"),
        ("99999999", "cash", 0, "", "at most $25,000.00"),
        ("20", "cash", -1, "", "is to come"),
        ("20", "cash", 61, "", "more than 60 days ago"),
        ("20", "cash", 0, "1042", "a check number goes with a payment by check only"),
        ("20", "check", 0, "10-42", "digits 0 to 9"),
        ("20", "card", 0, "", "a check, cash or a money order"),
    ],
)
def test_refused_in_words_nothing_recorded(account, billing_clerk, amount, method, days_ago, check, words):
    with pytest.raises(PaymentRefused, match=words.replace("$", r"\$").replace(".", r"\.")):
        payment_received_record(
            account_id=account.pk,
            amount=amount,
            method=method,
            received_on=TODAY - timedelta(days=days_ago),
            check_number=check,
            by=billing_clerk,
        )
    _nothing_recorded()


def test_the_same_check_twice_is_refused(account, billing_clerk):
    def check_1042():
        return payment_received_record(
            account_id=account.pk,
            amount=50,
            method="check",
            received_on=TODAY,
            check_number="1042",
            by=billing_clerk,
        )

    first = check_1042()
    with pytest.raises(
        PaymentRefused, match=f"check 1042 is recorded on this account already \\(receipt {first.pk}\\)"
    ):
        check_1042()
    assert PaymentReceived.objects.count() == 1


def test_the_form_refuses_a_day_to_come_and_keeps_what_was_typed(account, billing_clerk, console):
    tomorrow = TODAY + timedelta(days=1)
    response = console(billing_clerk).post(
        f"/staff/billing/accounts/{account.pk}/payment/",
        {"amount": "55.10", "method": "cash", "received_on": tomorrow.isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"No payment recorded: a payment is recorded once received: {tomorrow:%B} {tomorrow.day}" in page
    assert 'value="55.10"' in page
    _nothing_recorded()


def test_a_payment_call_routed_to_collections_leads_to_the_form(
    account, customer, collections_agent, console
):
    call = request_open(customer=customer, kind="payment", channel="phone")
    assert call.owning_service == "collections"
    client = console(collections_agent)
    page = client.get(f"/staff/requests/{call.pk}/").content.decode()
    assert f'href="/staff/billing/accounts/{account.pk}/#payment"' in page
    account_page = client.get(f"/staff/billing/accounts/{account.pk}/").content.decode()
    assert f'action="/staff/billing/accounts/{account.pk}/payment/"' in account_page


def test_a_refused_payment_keeps_its_page_s_reads_in_the_log(account, billing_clerk, console):
    """The same check twice is refused, and the account's page drawn again with the refusal read the bills
    through the gate: those reads are in the access log, though nothing was recorded."""
    clerk = console(billing_clerk)
    url = f"/staff/billing/accounts/{account.pk}/payment/"
    check = {"amount": "20", "method": "check", "received_on": TODAY.isoformat(), "check_number": "1042"}
    assert clerk.post(url, check).status_code == 302
    page = clerk.get(f"/staff/billing/accounts/{account.pk}/").content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page)[1]
    reads = AccessEvent.objects.filter(decision="allow").exclude(action="payment_recorded").count()
    refused = clerk.post(url, {**check, "once": token})
    assert refused.status_code == 400 and PaymentReceived.objects.count() == 1
    assert AccessEvent.objects.filter(decision="allow").exclude(action="payment_recorded").count() > reads
