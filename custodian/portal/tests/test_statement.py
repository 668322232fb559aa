"""The statement of account by month in the portal: what was owed before the month, what was posted in it
(only the customer's own accounts), what was owed at its end; a bad month is named, never a 500."""

from decimal import Decimal

from custodian.billing.services import ledger_post
from custodian.portal.tests.test_billing_pages import billed  # noqa: F401  (fixture)


def test_the_month_adds_up_from_what_was_owed_before_it(billed):  # noqa: F811
    client, mine, theirs, _ = billed
    ledger_post(
        account_id=mine.account_id,
        kind="payment",
        amount=Decimal("-10.00"),
        posted_on=mine.issued_on,
        reference="stmt-1",
        memo="Payment, thank you",
    )
    page = client.get(f"/portal/me/statement/?month={mine.issued_on:%Y-%m}")
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "$0.00" in text and f"${mine.total - Decimal('10.00'):.2f}" in text and "Payment, thank you" in text
    )
    before = client.get(f"/portal/me/statement/?month={mine.cycle}").content.decode()
    assert "Nothing posted this month." in before
    assert f"${theirs.total:.2f}" not in text or theirs.total == mine.total


def test_a_bad_month_is_named(billed):  # noqa: F811
    client, *_ = billed
    for month in ("2026-13", "november", "2026-1", "0001-01", "+202-01", "２０２６-０１", "9999-12"):
        response = client.get(f"/portal/me/statement/?month={month}")
        assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
