"""Bills and payments in the portal: balance and due date, the bills with their content read through the
gate as the customer, the PDF (the same bytes the mailing vendor prints), paying on the processor's page,
asking for a payment agreement; and another customer's bill is "no such bill"."""

from decimal import Decimal

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.bill_pdf import bill_printed
from custodian.billing.deposits import deposit_ask
from custodian.billing.models import Bill, Deposit, PaperlessChoice
from custodian.billing.selectors import bill_document
from custodian.billing.services import balance_of, bill_run
from custodian.collecting.models import PaymentAgreement
from custodian.payments.models import Autopay, PaymentSession
from custodian.policy.loader import current_policy
from custodian.testing import TEST_ROUTING, TEST_ROUTING_BAD_CHECK_DIGIT
from custodian.testing.portal import PASSWORD, signed_in
from custodian.vault.gate import reveal, system_actor

CYCLE = "2026-10"


@pytest.fixture
def billed(households):  # noqa: F811
    assert bill_run(cycle=CYCLE) == 2
    (first, app1), (second, app2) = households
    mine = Bill.objects.get(customer=first, cycle=CYCLE)
    theirs = Bill.objects.get(customer=second, cycle=CYCLE)
    return signed_in(app1, "pat@example.com"), mine, theirs, app2


def test_the_customer_sees_balance_due_date_and_bills(billed):
    client, mine, _, _ = billed
    page = client.get("/portal/me/bills/").content.decode()
    assert f"${mine.total:.2f}" in page and "Due date" in page and "October 2026" in page
    detail = client.get(f"/portal/me/bills/{mine.pk}/")
    assert detail.status_code == 200 and "Charges" in detail.content.decode()
    # read through the gate, as the customer, for billing: one event for the bill's document
    event = AccessEvent.objects.filter(actor_kind="customer", action="reveal_documents").latest("pk")
    assert (event.customer_id, event.purpose, event.categories) == (str(mine.customer_id), "billing", "bills")


def test_the_pdf_is_the_same_file_the_mailing_vendor_prints(billed):
    client, mine, _, _ = billed
    response = client.get(f"/portal/me/bills/{mine.pk}/bill.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = bill_document(actor=system_actor("billing_run"), bill=mine, purpose="billing")
    assert response.content == bill_printed(bill=mine, content=content, utility=current_policy().utility)
    assert response.content.startswith(b"%PDF")


def test_another_customers_bill_is_no_such_bill(billed):
    client, _, theirs, app2 = billed
    before = AccessEvent.objects.filter(customer_id=str(theirs.customer_id)).count()
    for url in (f"/portal/me/bills/{theirs.pk}/", f"/portal/me/bills/{theirs.pk}/bill.pdf"):
        response = client.get(url)
        assert response.status_code == 404 and app2.personal["name"] not in response.content.decode()
    assert client.get("/portal/me/bills/999999999/").status_code == 404
    assert AccessEvent.objects.filter(customer_id=str(theirs.customer_id)).count() == before
    # nor can it be paid or put on a payment agreement through this session
    assert client.post("/portal/me/pay/", {"account": theirs.account_id, "amount": "5"}).status_code == 400
    response = client.post("/portal/me/payment-agreement/", {"account": theirs.account_id})
    assert response.status_code == 400 and not PaymentAgreement.objects.exists()


def test_paying_goes_to_the_processors_page_and_posts_on_its_webhook(billed, card_processor, settings):
    settings.DEBUG = True  # the simulated processor's page is served in development only
    client, mine, _, _ = billed
    response = client.post("/portal/me/pay/", {"account": mine.account_id, "amount": "25.00"})
    assert response.status_code == 302 and "/payments/simulated-processor/checkout/" in response.url
    session = PaymentSession.objects.get()
    assert session.amount == Decimal("25.00") and session.account_id == mine.account_id
    client.post(response.url, {"card_number": "4242 4242 4242 4242"})
    page = client.get("/portal/me/bills/").content.decode()
    assert "Payment, thank you" in page and f"${mine.total - 25:.2f}" in page


def test_bad_amounts_and_no_processor_are_named(billed):
    client, mine, _, _ = billed
    for amount in ("", "abc", "0", "100000"):
        response = client.post("/portal/me/pay/", {"account": mine.account_id, "amount": amount})
        assert response.status_code == 400
    response = client.post("/portal/me/pay/", {"account": mine.account_id, "amount": "10"})
    assert response.status_code == 400 and "not available" in response.content.decode()


def test_the_customer_chooses_paperless_and_back(billed):
    client, mine, _, _ = billed
    assert client.post("/portal/me/paperless/", {"choice": "maybe"}).status_code == 400
    assert client.post("/portal/me/paperless/", {"choice": "paperless"}).status_code == 302
    assert PaperlessChoice.objects.filter(customer_id=mine.customer_id).exists()
    assert "Paperless billing is on" in client.get("/portal/me/bills/").content.decode()
    client.post("/portal/me/paperless/", {"choice": "paper"})
    assert not PaperlessChoice.objects.exists()


def test_the_customer_asks_for_a_payment_agreement_once(billed):
    client, mine, _, _ = billed
    response = client.post("/portal/me/payment-agreement/", {"account": mine.account_id, "installment": "40"})
    assert response.status_code == 302
    agreement = PaymentAgreement.objects.get()
    assert (agreement.account_id, agreement.status, agreement.monthly_installment) == (
        mine.account_id,
        "requested",
        Decimal("40.00"),
    )
    again = client.post("/portal/me/payment-agreement/", {"account": mine.account_id})
    assert again.status_code == 400 and "already requested" in again.content.decode()
    page = client.get("/portal/me/bills/").content.decode()
    assert "waiting for our answer" in page and "Ask for a payment agreement</button>" not in page


def test_automatic_payment_needs_the_password_again_and_a_valid_bank_account(billed):
    client, mine, _, _ = billed
    form = {
        "choice": "start",
        "account": mine.account_id,
        "routing": TEST_ROUTING,
        "bank_account": "4440001",
        "kind": "checking",
        "authorize": "on",
    }
    assert client.post("/portal/me/autopay/", form).status_code == 403
    client.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})
    assert (
        client.post("/portal/me/autopay/", {**form, "routing": TEST_ROUTING_BAD_CHECK_DIGIT}).status_code
        == 400
    )
    assert client.post("/portal/me/autopay/", {**form, "authorize": ""}).status_code == 400
    assert client.post("/portal/me/autopay/", form).status_code == 302
    assert Autopay.objects.get(account_id=mine.account_id).active
    held = reveal(
        actor=system_actor("collections"),
        customer_id=mine.customer_id,
        fields=["bank_account"],
        purpose="collecting_payments",
    )
    assert held["bank_account"] == f"routing {TEST_ROUTING} account 4440001 checking"
    client.post("/portal/me/autopay/", {"choice": "stop"})
    assert not Autopay.objects.get(account_id=mine.account_id).active


def test_a_deposit_is_paid_on_the_processors_page_and_held(billed, billing_clerk, card_processor, settings):
    settings.DEBUG = True  # the simulated processor's page is served in development only
    client, mine, theirs, _ = billed
    deposit = deposit_ask(account_id=mine.account_id, amount="90", reason="no_history", by=billing_clerk)
    other = deposit_ask(account_id=theirs.account_id, amount="90", reason="no_history", by=billing_clerk)
    page = client.get("/portal/me/bills/").content.decode()
    assert "Pay the deposit online" in page and "earns interest" in page
    # another customer's deposit is not found, and no checkout is opened for it
    assert client.post(f"/portal/me/pay/deposit/{other.pk}/").status_code == 404
    assert client.post("/portal/me/pay/deposit/999999999/").status_code == 404
    assert not PaymentSession.objects.exists()
    response = client.post(f"/portal/me/pay/deposit/{deposit.pk}/")
    assert response.status_code == 302 and "/payments/simulated-processor/checkout/" in response.url
    client.post(response.url, {"card_number": "4242 4242 4242 4242"})
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.HELD
    assert balance_of(mine.account_id) == mine.total  # the bills are not paid by the deposit
