"""A correction that asks more than the bill it replaces keeps the original due date for what was asked
before, and gives its increase its own due date: the correction's issue date plus the tariff's usual days to
pay. Nobody is late on an amount they were never told about: the increase is not past due, nor charged a
late fee, nor on a letter or the collections worklist, until its own date has passed; the bill, its PDF, the
portal and the console say both dates."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from custodian.billing.arrears import arrears_on
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.selectors import bill_document, statement
from custodian.billing.services import bill_correct, bill_run, late_fees_assess, ledger_post
from custodian.billing.tariff import current_tariff
from custodian.collecting.notices import past_due_notices_send
from custodian.collecting.selectors import collections_worklist
from custodian.testing import portal_browser
from custodian.testing.billing import YEAR, household, reading_corrected
from custodian.vault.gate import staff_actor, system_actor

ISSUED, DUE = date(2026, 11, 1), date(2026, 11, 22)
CORRECTED = date(2026, 11, 27)  # after the original's due date
INCREASE_DUE = CORRECTED + timedelta(days=21)  # December 18: the tariff's days to pay


@pytest.fixture
def raised(db, billing_clerk):
    """Quinn's October bill (due November 22), corrected on November 27 for a misread meter: 50 kWh more."""
    home = household("Quinn Raise", "0020000555", YEAR)
    bill_run(cycle="2026-10", issued_on=ISSUED)
    bill = Bill.objects.get(customer=home, cycle="2026-10")
    return home, bill


def _corrected(home, bill, billing_clerk) -> Bill:
    reading_corrected(home)
    return bill_correct(
        bill_id=bill.pk, reason="meter misread; corrected read", by=billing_clerk, issued_on=CORRECTED
    )


def _fee(amount: Decimal) -> Decimal:
    tariff = current_tariff()
    return max(tariff.round(amount * tariff.late_fee_percent / 100), tariff.late_fee_minimum)


def test_paid_on_time_the_increase_is_due_on_its_own_date(raised, billing_clerk, collections_agent):
    home, bill = raised
    account = bill.account_id
    ledger_post(
        account_id=account, kind="payment", amount=-bill.total, posted_on=date(2026, 11, 20), reference="q1"
    )
    new = _corrected(home, bill, billing_clerk)
    increase = new.total - bill.total
    assert increase > 0
    assert (new.due_on, new.increase_due_on) == (DUE, INCREASE_DUE)
    on = CORRECTED + timedelta(days=1)
    # Not past due anywhere: the statement (portal and billing page), the worklist, the letters, the fees.
    assert arrears_on(account, on=on).past_due == Decimal("0.00")
    where = statement([account], on=on)
    assert (where.balance, where.past_due, where.due_on) == (increase, Decimal("0.00"), INCREASE_DUE)
    agent = staff_actor(collections_agent)
    assert collections_worklist(on=on, actor=agent) == []
    assert past_due_notices_send(on=on).sent == 0
    assert late_fees_assess(as_of=on) == 0
    # Its own due date passed, unpaid: the increase is past due, named by the corrected bill and its date,
    # and charged the late fee once, on the increase.
    after = INCREASE_DUE + timedelta(days=2)
    late = arrears_on(account, on=after)
    assert (late.past_due, late.oldest_bill_id, late.oldest_due_on) == (increase, new.pk, INCREASE_DUE)
    assert [(i.account.pk, i.past_due) for i in collections_worklist(on=after, actor=agent)] == [
        (account, increase)
    ]
    assert late_fees_assess(as_of=after) == 1 and late_fees_assess(as_of=after) == 0
    fee = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LATE_FEE)
    assert (fee.bill_id, fee.amount, fee.posted_on) == (
        new.pk,
        _fee(increase),
        INCREASE_DUE + timedelta(days=1),
    )


def test_what_was_asked_first_stays_past_due_and_the_bill_says_both_dates(raised, billing_clerk, console):
    home, bill = raised
    account = bill.account_id
    new = _corrected(home, bill, billing_clerk)
    increase = new.total - bill.total
    on = CORRECTED + timedelta(days=1)
    owed = arrears_on(account, on=on)
    assert (owed.past_due, owed.oldest_bill_id, owed.oldest_due_on) == (bill.total, new.pk, DUE)
    where = statement([account], on=on)
    assert (where.past_due, where.due_on) == (bill.total, INCREASE_DUE)
    content = bill_document(actor=system_actor("billing_run"), bill=new, purpose="billing")
    assert content["due_on"] == DUE.isoformat()
    assert content["due_parts"] == [
        [DUE.isoformat(), str(bill.total)],
        [INCREASE_DUE.isoformat(), str(increase)],
    ]
    # The printed bill: due November 22, the increase by December 18; what was asked first is past due.
    browser = portal_browser(home, "quinn")
    pdf = browser.get(f"/portal/me/bills/{new.pk}/bill.pdf").content
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Due by November 22, 2026" in text
    assert f"${increase:,.2f} of it due by December 18, 2026: this correction's increase" in text
    assert f"Of which this correction's increase, due by December 18, 2026 ${increase:,.2f}" in text
    assert f"Of which past due: please pay it now ${bill.total:,.2f}" in text
    page = browser.get(f"/portal/me/bills/{new.pk}/").content.decode()
    assert f"${increase:,.2f} of it due by December 18, 2026: this correction's increase" in page
    assert "the increase: Dec 18, 2026" in browser.get("/portal/me/bills/").content.decode()
    staff = console(billing_clerk).get(f"/staff/billing/bills/{new.pk}/").content.decode()
    assert f"the increase, ${increase:,.2f}, due 2026-12-18" in staff


def test_a_correction_that_asks_less_keeps_the_due_date_whole(raised, billing_clerk):
    """Corrected twice: up, then below the original. The second asks less than the first asked, so nothing
    of it is due later than the original's date."""
    home, bill = raised
    raised_bill = _corrected(home, bill, billing_clerk)
    lowered = {**YEAR, "2026-10": {**YEAR["2026-10"], "electric": YEAR["2026-10"]["electric"] - 100}}
    reading_corrected(home, months=lowered)  # 50 kWh less than the original read
    new = bill_correct(
        bill_id=raised_bill.pk, reason="read again: lower", by=billing_clerk, issued_on=date(2026, 11, 30)
    )
    assert new.total < bill.total and (new.due_on, new.increase_due_on) == (DUE, None)
    assert arrears_on(bill.account_id, on=date(2026, 12, 1)).past_due == new.total
    assert "due_parts" not in bill_document(actor=system_actor("billing_run"), bill=new, purpose="billing")
