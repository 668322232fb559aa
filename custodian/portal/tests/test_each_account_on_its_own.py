"""A customer with two accounts sees each on its own in the portal, as collections, the past-due letters and
the bills count them (`billing.arrears.arrears_of`): each account's balance and amount past due, a credit
on one never hiding the other's arrears, and a total only where it is labelled as one.

Persona: Lena lives at her home (an account past due: October's bill unpaid ten days after its due date) and
owns the house her tenant has just left (an owner's account for the vacant unit: a $45.00 bill not yet due,
and a credit from paying more than it asked: $5.00 more than her home owes, which it must not hide)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.billing.arrears import arrears_of
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.presentation import money as money_text
from custodian.billing.selectors import statement, statement_of_customer, statements
from custodian.billing.services import bill_run, ledger_post
from custodian.customers.choices import AccountRole
from custodian.customers.models import Account
from custodian.customers.services import account_stop
from custodian.testing import bill_charged
from custodian.testing.account_numbers import account_number_of, portal_label
from custodian.testing.portal import signed_in
from custodian.vault.gate import customer_actor

CYCLE = "2026-10"
FIVE = Decimal("5.00")


@pytest.fixture
def lena(households):
    """Lena signed in, her home account (its bill past due), her rental's owner account (in credit by $5.00
    more than the home owes) and what her home owes."""
    (landlord, app), (tenant, _) = households
    today = timezone.localdate()
    assert bill_run(cycle=CYCLE) == 2
    owed = Bill.objects.get(customer=landlord, cycle=CYCLE)
    Bill.objects.filter(pk=owed.pk).update(due_on=today - timedelta(days=10))
    moved_out = Account.objects.get(customer=tenant)
    account_stop(
        account_id=moved_out.pk,
        closed_on=max(moved_out.opened_on, today - timedelta(days=40)),
        owner_customer_id=landlord.pk,
    )
    home = Account.objects.get(customer=landlord, role=AccountRole.OCCUPANT)
    rental = Account.objects.get(customer=landlord, role=AccountRole.OWNER)
    assert owed.account_id == home.pk
    # An earlier cycle than the home's bill, so the home's (with its content sealed) is the latest bill.
    rental_bill = bill_charged(rental, 9, "45.00")
    Bill.objects.filter(pk=rental_bill.pk).update(due_on=today + timedelta(days=15))
    ledger_post(
        account_id=rental.pk,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=-(Decimal("45.00") + owed.total + FIVE),
        posted_on=today,
        reference="lena-rental-1",
        memo="Payment, thank you",
    )
    return signed_in(app, "lena@example.com"), landlord, home, rental, owed.total


def _row(page: str, label: str) -> str:
    found = re.search(rf'<tr><th scope="row">{re.escape(label)}.*?</tr>', page, re.S)
    assert found, f"no row for {label}"
    return found.group(0)


def test_each_account_s_past_due_is_its_own_arrears_and_a_credit_elsewhere_pays_none_of_it(lena):
    _, landlord, home, rental, owed = lena
    today = timezone.localdate()
    each = statement_of_customer(fetched_by=customer_actor(landlord.pk), customer_id=landlord.pk, on=today)
    late = arrears_of(on=today, account_ids=[home.pk, rental.pk])
    assert set(each.accounts) == {home.pk, rental.pk} and each.several
    for account_id, s in each.accounts.items():
        arrears = late[account_id].past_due if account_id in late else Decimal("0.00")
        assert s.past_due == arrears == statement([account_id], on=today).past_due
    assert each.accounts[home.pk].balance == each.accounts[home.pk].past_due == owed > 0
    assert each.accounts[rental.pk].balance == -(owed + FIVE) and each.accounts[rental.pk].past_due == 0
    # The total past due is the sum of each account's own, never one account's credit against another's debt
    # (added together, the credit would leave nothing past due at all).
    assert each.past_due == owed and each.balance == -FIVE
    assert statements([home.pk, rental.pk], on=today) == each
    with pytest.raises(ValueError, match="one account's"):
        statement([home.pk, rental.pk], on=today)


def test_the_bills_page_shows_each_account_and_a_labelled_total(lena):
    client, landlord, home, rental, owed = lena
    page = client.get("/portal/me/bills/?lang=en").content.decode()
    # Each account by the number on its bills (the home's and the rental's dates tell them apart).
    home_row = _row(page, portal_label(landlord, home))
    rental_row = _row(page, portal_label(landlord, rental))
    assert f"<strong>{money_text(owed)}</strong>" in home_row  # its amount past due
    assert f"{money_text(-(owed + FIVE))} (a credit)" in rental_row
    assert "<strong>" not in rental_row
    total = re.search(r"<tfoot>.*?</tfoot>", page, re.S).group(0)
    assert "Total of all your accounts" in total
    assert money_text(-FIVE) in total and money_text(owed) in total
    assert "a payment or a credit on one account does not pay another" in page
    spanish = client.get("/portal/me/bills/?lang=es").content.decode()
    assert "Total de todas sus cuentas" in spanish


def test_the_home_names_the_account_past_due_and_labels_the_total(lena):
    client, landlord, home, rental, owed = lena
    page = client.get("/portal/me/?lang=en").content.decode()
    home_label, rental_label = portal_label(landlord, home), portal_label(landlord, rental)
    assert f"Past due:</strong> {money_text(owed)} is past its due date on {home_label}." in page
    assert f"on {rental_label}." not in page and "Nothing to pay now." not in page
    assert f"Total of all your accounts: {money_text(-FIVE)}" in page
    assert f"{home_label}: {money_text(owed)}" in page
    assert f"{rental_label}: {money_text(-(owed + FIVE))}" in page
    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert f"Cuenta {account_number_of(landlord)} (" in spanish and "Total de todas sus cuentas:" in spanish


def test_the_monthly_statement_keeps_each_account_apart(lena):
    client, landlord, home, rental, _ = lena
    month = f"{timezone.localdate():%Y-%m}"
    page = client.get(f"/portal/me/statement/?month={month}&lang=en").content.decode()
    home_at = page.index(f"<h2>{portal_label(landlord, home)}")
    rental_at = page.index(f"<h2>{portal_label(landlord, rental)}")
    total_at = page.index("<h2>Total of all your accounts</h2>")
    rental_part = page[rental_at:total_at] if rental_at > home_at else page[rental_at:home_at]
    assert "Payment, thank you" in rental_part
    home_part = page[home_at:rental_at] if home_at < rental_at else page[home_at:total_at]
    assert "Payment, thank you" not in home_part
    assert "all accounts together" in page[total_at:]


def test_a_payment_agreement_is_offered_for_her_home_only(lena):
    """The rental has nothing past due (a credit): nothing to agree there, so the form does not offer it."""
    client, _, home, rental, _ = lena
    page = client.get("/portal/me/bills/").content.decode()
    form = re.search(r'<form method="post" action="/portal/me/payment-agreement/".*?</form>', page, re.S)
    assert form and f'value="{home.pk}"' in form.group(0) and f'value="{rental.pk}"' not in form.group(0)
