"""Money is written one way in the console and the portal ("$15,820.94", "−$1,000.00"): the bill tables,
the ledger and the balance of the same account agree, whichever page shows them."""

from datetime import date
from decimal import Decimal

from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.services import bill_run, ledger_post
from custodian.testing.billing import YEAR, household


def test_the_account_page_writes_every_amount_the_same_way(db, billing_clerk, console):
    home = household("Large Owing", "0020000333", YEAR)
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    bill = Bill.objects.get(customer=home)
    Bill.objects.filter(pk=bill.pk).update(total=Decimal("15820.94"), estimated_services="water")
    for kind, amount, day in (
        (LedgerEntry.Kind.ADJUSTMENT, "15820.94", 2),
        (LedgerEntry.Kind.PAYMENT, "-1000.00", 3),
    ):
        ledger_post(
            account_id=bill.account_id, kind=kind, amount=Decimal(amount), posted_on=date(2026, 11, day)
        )
    client = console(billing_clerk)
    account_page = client.get(f"/staff/billing/accounts/{bill.account_id}/").content.decode()
    assert account_page.count("$15,820.94") >= 2  # the bill's row and the ledger's
    assert "−$1,000.00" in account_page
    billing_page = client.get("/staff/billing/", {"cycle": "2026-10"}).content.decode()
    assert "$15,820.94" in billing_page
    for page in (account_page, billing_page):
        assert "15820.94" not in page and "-1000.00" not in page
