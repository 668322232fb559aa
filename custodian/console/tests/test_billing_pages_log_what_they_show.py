"""The console's billing pages show a customer's bills only as a logged look: an account's history (balance,
past due, each bill's total and due date, the ledger, and the account number printed on its latest bill, by
which the page names it) is read through the gate for the member's own purpose (billing for the billing
clerk, collecting payments for the collections agent), and a bill's page logs every category it shows (the
bill, and the name, service address and account number on it)."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.testing.billing import YEAR, household

CYCLE = "2026-10"


@pytest.fixture
def billed(db):
    """Olga Ostby, billed for October 2026: her bill."""
    household("Olga Ostby", "0030000077", YEAR)
    bill_run(cycle=CYCLE)
    return Bill.objects.get(cycle=CYCLE)


def _last_seq() -> int:
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _the_look(seq: int, customer_id: int) -> tuple:
    """The one access event about the customer since `seq`: who, what, for what, and the decision."""
    (look,) = AccessEvent.objects.filter(seq__gt=seq, customer_id=str(customer_id))
    return look.actor_kind, look.actor_label, look.categories, look.purpose, look.decision


@pytest.mark.parametrize(
    "persona, purpose",
    [("billing_clerk", "billing"), ("collections_agent", "collecting_payments")],
)
def test_an_accounts_history_is_one_logged_look_at_the_bills(billed, console, request, persona, purpose):
    staff = request.getfixturevalue(persona)
    before = _last_seq()
    page = console(staff).get(f"/staff/billing/accounts/{billed.account_id}/")
    assert page.status_code == 200 and f"${billed.total}" in page.content.decode()
    assert "<h1>Account 0030000077</h1>" in page.content.decode()  # the number on the bill, not the id
    # The home's facts (type, heating, ZIP) too, where the bills' purpose may read the service address.
    shown = "account_number,bills" + (",service_address" if purpose == "billing" else "")
    assert _the_look(before, billed.customer_id) == ("staff", staff.get_username(), shown, purpose, "allow")


def test_an_account_without_bills_is_logged_all_the_same_for_bill_clerk(customer, billing_clerk, console):
    account = customer.accounts.get()
    before = _last_seq()
    page = console(billing_clerk).get(f"/staff/billing/accounts/{account.pk}/")
    # No bill yet prints its number: the page names it by its internal reference, and reads nothing more.
    assert page.status_code == 200 and f"<h1>Internal ref. {account.pk}</h1>" in page.content.decode()
    shown = "bills,service_address"  # and the home's facts beside them
    assert _the_look(before, customer.pk) == ("staff", "bill.clerk", shown, "billing", "allow")


def test_a_bills_page_logs_the_name_and_address_it_shows_for_bill_clerk(billed, billing_clerk, console):
    before = _last_seq()
    page = console(billing_clerk).get(f"/staff/billing/bills/{billed.pk}/").content.decode()
    assert "Olga Ostby" in page and "115 Elm Street" in page and ">Account 0030000077</a>" in page
    shown = "account_number,bills,name,service_address"
    assert _the_look(before, billed.customer_id) == ("staff", "bill.clerk", shown, "billing", "allow")
