"""Past due means unpaid and past its due date, with one definition everywhere (`billing.arrears`): credits
pay the oldest debt first, so a bill paid, however old, and a bill not yet due are never past due. The
collections worklist, the customer's portal, the billing page, the past-due letters (one per arrears, named
by its oldest unpaid bill) and a disconnection's eligibility all read it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from custodian.billing.arrears import arrears_on
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.selectors import statement
from custodian.billing.services import ledger_post
from custodian.collecting.notices import NoticeError, disconnection_notice_send, past_due_notices_send
from custodian.collecting.selectors import collections_worklist
from custodian.collecting.services import CollectionsError, disconnection_order_issue
from custodian.customers.models import Account
from custodian.dates import day_words
from custodian.outbox.models import OutboundMessage
from custodian.testing import bill_charged, letter_text, portal_browser
from custodian.vault.gate import staff_actor

# January's bill was due on February 22, February's on March 22; March's is due on April 22.
ON = date(2026, 4, 5)


def paid(account, amount: str, on: date, ref: str):
    ledger_post(account_id=account.pk, kind="payment", amount=-Decimal(amount), posted_on=on, reference=ref)


@pytest.fixture
def behind(customer):
    """The customer paid January's bill before it was due, then not February's; March's is not yet due."""
    account = Account.objects.get(customer=customer)
    january = bill_charged(account, 1, "100.00")
    paid(account, "100.00", date(2026, 2, 10), "jan")
    february = bill_charged(account, 2, "120.00")
    bill_charged(account, 3, "130.00")
    return account, january, february


def test_the_worklist_counts_only_what_is_unpaid_and_past_due_and_names_its_oldest_bill(
    behind, collections_agent
):
    account, _, february = behind
    items = collections_worklist(on=ON, actor=staff_actor(collections_agent))
    # Not the balance (250.00, with March's bill not yet due), not January's due date (paid on time).
    assert [(i.account.pk, i.past_due, i.oldest_due_on) for i in items] == [
        (account.pk, Decimal("120.00"), date(2026, 3, 22))
    ]
    assert arrears_on(account.pk, on=ON).oldest_bill_id == february.pk
    # The same figure as the customer's statement (the portal and the billing page).
    assert statement([account.pk], on=ON).past_due == Decimal("120.00")


def test_an_account_that_paid_every_bill_on_time_is_not_past_due(customer, collections_agent):
    account = Account.objects.get(customer=customer)
    bill_charged(account, 1, "100.00")
    paid(account, "100.00", date(2026, 2, 10), "jan")
    bill_charged(account, 2, "120.00")
    paid(account, "120.00", date(2026, 3, 15), "feb")
    bill_charged(account, 3, "130.00")  # its only unpaid bill, due April 22
    assert collections_worklist(on=ON, actor=staff_actor(collections_agent)) == []
    assert statement([account.pk], on=ON).past_due == Decimal("0.00")
    assert past_due_notices_send(on=ON).sent == 0
    with pytest.raises(NoticeError, match="owes nothing past due"):
        disconnection_notice_send(account_id=account.pk, service="gas", sent_on=ON, today=ON)
    with pytest.raises(CollectionsError, match="owes nothing past due"):
        disconnection_order_issue(account_id=account.pk, service="water", on=ON, by=collections_agent)


def test_payments_go_to_the_oldest_bill_first(customer):
    account = Account.objects.get(customer=customer)
    january = bill_charged(account, 1, "100.00")
    february = bill_charged(account, 2, "120.00")
    bill_charged(account, 3, "130.00")
    both = arrears_on(account.pk, on=ON)
    assert (both.past_due, both.oldest_bill_id, both.oldest_cycle) == (
        Decimal("220.00"),
        january.pk,
        "2026-01",
    )
    # A late payment charge on January's bill (posted February 23) is owed before February's bill (March 1).
    ledger_post(
        bill=january, kind=LedgerEntry.Kind.LATE_FEE, amount=Decimal("5.00"), posted_on=date(2026, 2, 23)
    )
    paid(account, "100.00", date(2026, 4, 1), "part")  # January's charge; its late fee is still owed
    assert arrears_on(account.pk, on=ON).oldest_bill_id == january.pk
    paid(account, "50.00", date(2026, 4, 2), "more")  # the late fee and 45.00 of February's bill
    left = arrears_on(account.pk, on=ON)
    assert (left.past_due, left.oldest_bill_id, left.oldest_due_on) == (
        Decimal("75.00"),
        february.pk,
        date(2026, 3, 22),
    )
    paid(account, "75.00", date(2026, 4, 3), "rest")
    assert arrears_on(account.pk, on=ON).past_due == Decimal("0.00")
    assert statement([account.pk], on=ON).past_due == Decimal("0.00")


def test_a_past_due_letter_once_per_arrears_and_again_when_the_customer_falls_behind_again(customer):
    account = Account.objects.get(customer=customer)
    january = bill_charged(account, 1, "100.00")
    bill_charged(account, 2, "120.00")  # issued March 1, not yet due on March 2
    first = past_due_notices_send(on=date(2026, 3, 2))
    assert (first.sent, first.already) == (1, 0)
    letter = OutboundMessage.objects.get(template="past_due")
    assert letter.regarding == f"past_due:{january.pk}"
    body = letter_text(letter)
    assert "Your bill for January 2026 was due on February 22, 2026" in body
    assert "has $100.00 past due" in body  # not the balance of 220.00
    again = past_due_notices_send(on=date(2026, 3, 2))
    assert (again.sent, again.already) == (0, 1)  # re-run the same day: nothing twice
    paid(account, "220.00", date(2026, 3, 5), "caught-up")
    assert past_due_notices_send(on=date(2026, 4, 1)).sent == 0  # caught up
    june = bill_charged(account, 6, "90.00")  # due July 22, not paid
    later = past_due_notices_send(on=date(2026, 8, 1))
    assert (later.sent, later.already) == (1, 0)
    second = OutboundMessage.objects.filter(template="past_due").latest("pk")
    assert second.regarding == f"past_due:{june.pk}"
    assert "Your bill for June 2026 was due on July 22, 2026" in letter_text(second)


def test_the_notice_of_disconnection_names_the_amount_past_due(behind):
    account, _, _ = behind
    notice = disconnection_notice_send(account_id=account.pk, service="gas", sent_on=ON, today=ON)
    assert notice.amount_past_due == Decimal("120.00")
    letter = OutboundMessage.objects.get(template="disconnection_notice")
    assert "$120.00" in letter_text(letter) and "$250.00" not in letter_text(letter)


def _bill(account, cycle: str, due_on: date, total: str) -> Bill:
    bill = Bill.objects.create(
        account=account,
        customer_id=account.customer_id,
        cycle=cycle,
        period_start=due_on - timedelta(days=52),
        period_end=due_on - timedelta(days=22),
        issued_on=due_on - timedelta(days=21),
        due_on=due_on,
        tariff_versions="2026.1",
        total=Decimal(total),
        document_ref=f"bill/one-definition/{cycle}",
        content_sha256="0" * 64,
    )
    LedgerEntry.objects.create(
        account=account, kind="charge", amount=bill.total, posted_on=bill.issued_on, bill=bill
    )
    return bill


def test_the_collections_agent_and_the_customer_see_the_same_figure_past_due(
    customer, collections_agent, console
):
    account = Account.objects.get(customer=customer)
    today = timezone.localdate()
    paid_on_time = _bill(account, "2026-a", today - timedelta(days=60), "100.00")
    paid(account, "100.00", paid_on_time.due_on - timedelta(days=5), "on-time")
    unpaid = _bill(account, "2026-b", today - timedelta(days=30), "120.00")
    _bill(account, "2026-c", today + timedelta(days=20), "130.00")  # not yet due
    agent = console(collections_agent)
    worklist = agent.get("/staff/collections/").content.decode()
    assert f"<td>$120.00</td><td>{day_words(unpaid.due_on)}</td>" in worklist
    assert day_words(paid_on_time.due_on) not in worklist and "$250.00" not in worklist
    account_page = agent.get(f"/staff/billing/accounts/{account.pk}/").content.decode()
    assert "$250.00, <strong>$120.00 past due</strong>" in account_page
    portal = portal_browser(customer, "one-definition").get("/portal/me/bills/").content.decode()
    assert "<strong>$120.00</strong>" in portal


def test_a_bill_not_yet_due_that_credits_pays_the_oldest_debt_and_is_never_added_to_it(
    customer, collections_agent
):
    """January's $150 is unpaid; March's bill, not yet due, settles a budget year paid beyond use: it asks
    $130 and credits $230. The credit pays January first: $50 is owed in all, all of it past due."""
    account = Account.objects.get(customer=customer)
    bill_charged(account, 1, "150.00")
    march = bill_charged(account, 3, "130.00")
    ledger_post(
        account_id=account.pk,
        kind=LedgerEntry.Kind.BUDGET_TRUE_UP,
        amount=Decimal("-230.00"),
        posted_on=date(2026, 4, 1),
        bill=march,
    )
    assert arrears_on(account.pk, on=ON).past_due == Decimal("50.00")
    assert statement([account.pk], on=ON).past_due == Decimal("50.00")
    items = collections_worklist(on=ON, actor=staff_actor(collections_agent))
    assert [(i.account.pk, i.past_due) for i in items] == [(account.pk, Decimal("50.00"))]


def test_a_late_fee_on_a_replaced_bill_is_still_owed_on_its_month(customer, collections_agent):
    """January's bill was charged a late fee, then replaced by a correction that asks nothing (billed in
    error); February's is unpaid. The fee, posted on the replaced bill, is still January's: the arrears are
    named by January's current bill and due date, not February's."""
    account = Account.objects.get(customer=customer)
    january = bill_charged(account, 1, "100.00")
    ledger_post(
        bill=january, kind=LedgerEntry.Kind.LATE_FEE, amount=Decimal("5.00"), posted_on=date(2026, 2, 23)
    )
    Bill.objects.filter(pk=january.pk).update(is_current=False)
    ledger_post(bill=january, kind=LedgerEntry.Kind.REBILL_CREDIT, amount=-january.total, posted_on=ON)
    corrected = Bill.objects.create(
        **{f: getattr(january, f) for f in ("account", "customer_id", "cycle", "period_start", "period_end")},
        **{f: getattr(january, f) for f in ("issued_on", "due_on", "tariff_versions", "content_sha256")},
        total=Decimal("0.00"),
        document_ref="bill/one-definition/corrected",
        supersedes=january,
    )
    ledger_post(bill=corrected, kind=LedgerEntry.Kind.CHARGE, amount=Decimal("0.00"), posted_on=ON)
    bill_charged(account, 2, "120.00")
    owed = arrears_on(account.pk, on=ON)
    assert (owed.past_due, owed.oldest_bill_id, owed.oldest_due_on) == (
        Decimal("125.00"),
        corrected.pk,
        date(2026, 2, 22),
    )
    items = collections_worklist(on=ON, actor=staff_actor(collections_agent))
    assert [(i.account.pk, i.past_due, i.oldest_due_on) for i in items] == [
        (account.pk, Decimal("125.00"), date(2026, 2, 22))
    ]
