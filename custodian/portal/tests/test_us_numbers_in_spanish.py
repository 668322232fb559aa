"""Money in Spanish as our Spanish-speaking customers read US money: "$2,094.21", a decimal point and comma
grouping as in English (custodian/formats), while the dates stay Spanish."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import balance_of, bill_run, ledger_post
from custodian.testing.portal import signed_in

CYCLE = "2026-10"


@pytest.fixture
def owing_thousands(households):
    """The first household billed for October, with a large adjustment on top (a balance over $1,000) and a
    payment of $1,000 (a negative entry on the ledger)."""
    assert bill_run(cycle=CYCLE) == 2
    (customer, app), _ = households
    bill = Bill.objects.get(customer=customer, cycle=CYCLE)
    for kind, amount in ((LedgerEntry.Kind.ADJUSTMENT, "2094.21"), (LedgerEntry.Kind.PAYMENT, "-1000.00")):
        ledger_post(
            account_id=bill.account_id, kind=kind, amount=Decimal(amount), posted_on=date(2026, 11, 2)
        )
    return signed_in(app, "pat@example.com"), bill


def test_a_spanish_customer_s_bills_page_writes_money_as_english_does(owing_thousands):
    client, bill = owing_thousands
    balance = balance_of(bill.account_id)
    assert balance >= 1000
    english = client.get("/portal/me/bills/").content.decode()
    client.get("/portal/me/?lang=es")
    spanish = client.get("/portal/me/bills/").content.decode()
    assert "Saldo" in spanish  # the page is the Spanish one
    for page in (english, spanish):
        assert f"${balance:,.2f}" in page and "$2,094.21" in page and "−$1,000.00" in page
        assert f"${bill.total:,.2f}" in page
    assert "2094,21" not in spanish and "2.094,21" not in spanish


def test_the_home_writes_the_balance_as_english_does_in_both_languages(owing_thousands):
    client, bill = owing_thousands
    balance = balance_of(bill.account_id)
    english = client.get("/portal/me/").content.decode()
    spanish = client.get("/portal/me/?lang=es").content.decode()
    assert "Lo que debe" in spanish  # the page is the Spanish one
    for page in (english, spanish):
        assert f"${balance:,.2f}" in page
    assert f"{balance:.2f}".replace(".", ",") not in spanish
