"""The portal names a customer's account by the account number printed on their bill, never by the
database's id: the bills page, the accounts a payment, an agreement, budget billing or a move is for, and the
act-for page where a representative chooses whom to act for. The number is read through the gate as the
customer for billing (one read per page, logged); a representative whose authority leaves the account number
out sees the home's kind and dates instead, never an internal id.

Personas: Alice Anderson, a customer (account number 0010000001); Rosa Reyes, who holds her power of
attorney."""

import re

from custodian.audit.models import AccessEvent
from custodian.testing import bill_charged, portal_browser, power_of_attorney
from custodian.testing.account_numbers import portal_label
from custodian.testing.portal import acting_for

ALICE = "0010000001"


def _no_internal_id(page: str, account_id: int) -> None:
    assert not re.search(rf"(?i)\b(account|cuenta|customer|cliente) {account_id}\b", page)


def test_the_bills_page_and_its_choices_name_the_account_by_its_number(customer):
    account = customer.accounts.get()
    bill_charged(account, 9, "45.00")
    client = portal_browser(customer, "alice")
    label = portal_label(customer, account)
    assert label.startswith(f"Account {ALICE} (")
    before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    page = client.get("/portal/me/bills/?lang=en").content.decode()
    assert label in page
    _no_internal_id(page, account.pk)
    read = AccessEvent.objects.filter(pk__gt=before, categories="account_number").get()
    assert (read.actor_kind, read.purpose, read.customer_id) == ("customer", "billing", str(customer.pk))
    moving = client.get("/portal/me/moving/?lang=es").content.decode()
    assert f"Cuenta {ALICE} (" in moving
    _no_internal_id(moving, account.pk)


def test_budget_billing_names_the_account_by_its_number(customer):
    account = customer.accounts.get()
    for month in range(1, 12):
        bill_charged(account, month, "60.00")
    client = portal_browser(customer, "alice")
    assert client.post("/portal/me/budget/", {"account": account.pk, "choice": "start"}).status_code == 302
    page = client.get("/portal/me/bills/?lang=en").content.decode()
    assert f"{portal_label(customer, account)}: $" in page and "a month since" in page
    assert f"Stop budget billing: {portal_label(customer, account)}" in page
    _no_internal_id(page, account.pk)


def test_a_representative_chooses_the_customer_by_account_number(customer, service_rep, privacy_officer):
    _, rosa = acting_for(
        customer,
        service_rep,
        privacy_officer,
        power_of_attorney(customer, categories=("account_number", "bills")),
    )
    page = rosa.get("/portal/me/act-for/?lang=en").content.decode()
    assert f"Account {ALICE}: " in page
    _no_internal_id(page, customer.pk)


def test_a_representative_without_the_account_number_sees_no_number_and_no_id(
    customer, service_rep, privacy_officer
):
    _, rosa = acting_for(
        customer, service_rep, privacy_officer, power_of_attorney(customer, categories=("bills",))
    )
    page = rosa.get("/portal/me/act-for/?lang=en").content.decode()
    assert "A customer whose account number your authority does not cover" in page
    assert ALICE not in page
    _no_internal_id(page, customer.pk)
    bills = rosa.get("/portal/me/bills/?lang=en").content.decode()
    assert ALICE not in bills
    _no_internal_id(bills, customer.accounts.get().pk)
