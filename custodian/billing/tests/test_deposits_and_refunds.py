"""Deposits and refunds: a billing clerk asks an account for a deposit, owed by its own due date and outside
the balance; once paid it is held and returned against the final bill, and the credit then left is refunded
by check, once. Only billing staff ask, record and refund (a marketer is refused); each change is an event
in the access log; the customer sees their deposit in the portal and another customer does not."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.billing.deposits import deposit_ask, deposit_paid_record, refund_sent_record
from custodian.billing.final import final_bill_issue, service_stop
from custodian.billing.models import Deposit, LedgerEntry, Refund
from custodian.billing.permissions import BillingError
from custodian.billing.selectors import balance, statement
from custodian.billing.services import bill_run, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.customers.models import Account
from custodian.testing.billing import account_opened
from custodian.testing.portal import signed_in


@pytest.fixture
def account(customer):
    """Alice's account, in service from October 1, 2026."""
    return account_opened(customer, date(2026, 10, 1))


def test_a_deposit_has_its_own_due_date_and_stays_out_of_the_balance(account, billing_clerk):
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    before = statement([account.pk], on=date(2026, 11, 5))
    deposit = deposit_ask(
        account_id=account.pk, amount="150", reason="no_history", by=billing_clerk, today=date(2026, 11, 5)
    )
    days = current_tariff().deposit_due_days
    assert (deposit.amount, deposit.due_on) == (Decimal("150.00"), date(2026, 11, 5) + timedelta(days=days))
    # Long after the deposit's due date, the balance and what is past due are the bills' alone.
    after = statement([account.pk], on=date(2026, 12, 31))
    assert after.balance == before.balance
    assert after.past_due == after.balance  # the bills are past due; nothing of the deposit is
    assert not LedgerEntry.objects.filter(account=account).exclude(kind="charge").exists()
    event = AccessEvent.objects.get(action="deposit_asked")
    assert (event.customer_id, event.actor_id) == (str(account.customer_id), str(billing_clerk.pk))
    assert "billing" in event.roles and event.reason.startswith(f"deposit {deposit.pk} of $150.00 asked")


@pytest.mark.parametrize(
    "ask, message",
    [
        ({"amount": "0"}, "more than \\$0.00"),
        ({"amount": "300.01"}, "at most \\$300.00"),
        ({"amount": "12.345"}, "two decimals"),
        ({"amount": "lots"}, "not a sum of dollars"),
        ({"reason": "looks_risky"}, "the reason must be one of"),
        ({"due_on": date(2026, 11, 6)}, "no sooner than"),
    ],
)
def test_a_deposit_that_can_not_be_asked_is_refused_and_nothing_stored(account, billing_clerk, ask, message):
    kwargs = {"amount": "100", "reason": "late_payments", "today": date(2026, 11, 5), **ask}
    with pytest.raises(BillingError, match=message):
        deposit_ask(account_id=account.pk, by=billing_clerk, **kwargs)
    assert not Deposit.objects.exists() and not AccessEvent.objects.filter(action="deposit_asked").exists()


def test_one_deposit_at_a_time_and_only_billing_staff(account, billing_clerk, marketer, field_tech):
    for user in (marketer, field_tech, None):
        with pytest.raises(BillingError, match="only billing staff"):
            deposit_ask(account_id=account.pk, amount="50", reason="no_history", by=user)
    deposit_ask(account_id=account.pk, amount="50", reason="no_history", by=billing_clerk)
    with pytest.raises(BillingError, match="already has a deposit"):
        deposit_ask(account_id=account.pk, amount="60", reason="no_history", by=billing_clerk)
    assert Deposit.objects.count() == 1


def test_the_final_bill_returns_the_deposit_and_refunds_the_credit_once(
    account, billing_clerk, other_customer
):
    deposit = deposit_ask(
        account_id=account.pk, amount="250", reason="no_history", by=billing_clerk, today=date(2026, 10, 2)
    )
    deposit_paid_record(deposit_id=deposit.pk, paid_on=date(2026, 10, 9), reference="R-17", by=billing_clerk)
    with pytest.raises(BillingError, match="not waiting for payment"):
        deposit_paid_record(deposit_id=deposit.pk, paid_on=date(2026, 10, 9), by=billing_clerk)
    _, bills = service_stop(account_id=account.pk, closed_on=date(2026, 11, 14), today=date(2026, 11, 20))
    final = bills[-1]
    charged = sum(b.total for b in bills)
    assert final.final and charged < Decimal("250")  # an empty house: the deposit is more than the bills
    returned = LedgerEntry.objects.get(account=account, kind="deposit")
    assert (returned.amount, returned.bill_id) == (Decimal("-250.00"), final.pk)
    interest = -LedgerEntry.objects.get(account=account, kind="deposit_interest").amount  # its own test
    refund = Refund.objects.get(account=account)
    assert refund.amount == Decimal("250.00") + interest - charged and refund.final_bill_id == final.pk
    assert balance([account.pk]) == 0
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.RETURNED and deposit.returned_entry_id == returned.pk
    # Re-running the final bill issues and refunds nothing twice.
    assert final_bill_issue(account_id=account.pk, issued_on=date(2026, 11, 21)) == []
    assert Refund.objects.count() == 1 and balance([account.pk]) == 0
    actions = set(
        AccessEvent.objects.filter(customer_id=str(account.customer_id)).values_list("action", flat=True)
    )
    assert {"deposit_asked", "deposit_paid", "deposit_returned", "credit_refunded"} <= actions

    with pytest.raises(BillingError, match="letters and digits"):
        refund_sent_record(refund_id=refund.pk, check_number="10 44", by=billing_clerk)
    refund_sent_record(refund_id=refund.pk, check_number="10044", by=billing_clerk)
    with pytest.raises(BillingError, match="was sent on"):
        refund_sent_record(refund_id=refund.pk, check_number="10045", by=billing_clerk)
    assert AccessEvent.objects.filter(action="refund_sent").count() == 1


def test_a_deposit_never_paid_is_released_at_the_final_bill(account, billing_clerk):
    deposit_ask(
        account_id=account.pk, amount="80", reason="no_history", by=billing_clerk, today=date(2026, 10, 2)
    )
    service_stop(account_id=account.pk, closed_on=date(2026, 10, 31), today=date(2026, 11, 20))
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.RELEASED and deposit.ended_on == date(2026, 11, 20)
    assert not LedgerEntry.objects.filter(kind__in=["deposit", "refund"]).exists()  # the bill is owed


def test_an_overpayment_is_refunded_after_the_final_bill_without_a_deposit(account):
    """No deposit: what the customer paid beyond the bills is the credit refunded, once, at the final bill."""
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    october = balance([account.pk])
    ledger_post(
        account_id=account.pk,
        kind="payment",
        amount=-(october + Decimal("40.00")),
        posted_on=date(2026, 11, 3),
    )
    _, bills = service_stop(account_id=account.pk, closed_on=date(2026, 11, 14), today=date(2026, 11, 20))
    final_charges = sum(b.total for b in bills)
    refund = Refund.objects.get(account=account)
    assert refund.amount == Decimal("40.00") - final_charges and refund.final_bill_id == bills[-1].pk
    assert balance([account.pk]) == 0
    assert not LedgerEntry.objects.filter(kind__in=["deposit", "deposit_interest"]).exists()
    assert final_bill_issue(account_id=account.pk, issued_on=date(2026, 11, 21)) == []
    assert Refund.objects.count() == 1


def test_the_console_asks_records_and_refunds_for_billing_staff_only(
    account, billing_clerk, marketer, console
):
    clerk = console(billing_clerk)
    page = f"/staff/billing/accounts/{account.pk}/"
    assert "Ask for a deposit" in clerk.get(page).content.decode()
    bad = clerk.post(
        f"/staff/billing/accounts/{account.pk}/deposit/", {"amount": "999", "reason": "no_history"}
    )
    assert bad.status_code == 400 and not Deposit.objects.exists()  # the page again, the amount kept
    assert "at most $300.00" in bad.content.decode() and 'value="999"' in bad.content.decode()
    clerk.post(f"/staff/billing/accounts/{account.pk}/deposit/", {"amount": "120", "reason": "no_history"})
    deposit = Deposit.objects.get()
    text = clerk.get(page).content.decode()
    assert "$120.00" in text and "Asked for" in text
    today = timezone.localdate()
    clerk.post(f"/staff/billing/deposits/{deposit.pk}/paid/", {"paid_on": today.isoformat()})
    assert Deposit.objects.get().status == Deposit.Status.HELD
    mark = console(marketer)
    assert mark.get(page).status_code == 403
    assert mark.post(f"/staff/billing/accounts/{account.pk}/deposit/", {"amount": "1"}).status_code == 403
    assert mark.post(f"/staff/billing/deposits/{deposit.pk}/paid/", {}).status_code == 403


def test_the_customer_sees_their_deposit_and_another_customer_does_not(households, billing_clerk):  # noqa: F811
    (first, app1), (second, app2) = households
    account = Account.objects.get(customer=first)
    deposit_ask(account_id=account.pk, amount="175", reason="late_payments", by=billing_clerk)
    mine = signed_in(app1, "pat@example.com").get("/portal/me/bills/").content.decode()
    assert "Deposit" in mine and "$175.00" in mine and "not part of your balance" in mine
    theirs = signed_in(app2, "sam@example.com").get("/portal/me/bills/").content.decode()
    assert "$175.00" not in theirs and "<h2>Deposit</h2>" not in theirs
