"""Many rows into one table at once (`custodian.rows.rows_insert`): each value as the ORM would store it,
a missing column its field's default, on SQLite and PostgreSQL alike."""

from datetime import date
from decimal import Decimal

from custodian.billing.models import BillRun, LedgerEntry
from custodian.customers.models import Account
from custodian.rows import rows_insert


def test_dates_and_amounts_read_back_as_written_repeated_or_not(customer):
    account = Account.objects.get(customer_id=customer)
    days = [date(2026, 11, 1), date(2026, 11, 1), date(2026, 12, 1)]
    amounts = [Decimal("12.30"), Decimal("12.3"), Decimal("-0.05")]
    rows_insert(
        LedgerEntry,
        [
            {
                "account_id": account.pk,
                "kind": "charge",
                "amount": a,
                "posted_on": d,
                "memo": f"row {i}",
                "reference": "",
            }
            for i, (d, a) in enumerate(zip(days, amounts, strict=True))
        ],
    )
    stored = list(LedgerEntry.objects.filter(account=account).order_by("pk"))
    assert [(e.posted_on, e.amount, e.memo, e.reference) for e in stored] == [
        (date(2026, 11, 1), Decimal("12.30"), "row 0", ""),
        (date(2026, 11, 1), Decimal("12.30"), "row 1", ""),
        (date(2026, 12, 1), Decimal("-0.05"), "row 2", ""),
    ]
    assert len({e.created_at for e in stored}) == 1  # now, once for the batch


def test_a_missing_column_takes_its_default_and_a_none_stays_none(db):
    rows = [{"cycle": "2026-10"}, {"cycle": "2026-11", "started_at": None, "total": 7}]
    rows_insert(BillRun, [{**r, "stage": "", "summary": ""} for r in rows])
    first, second = BillRun.objects.order_by("pk")
    assert (first.status, first.total, first.started_at) == ("queued", 0, None)
    assert (second.cycle, second.total, second.started_at) == ("2026-11", 7, None)
    assert first.requested_at is not None
