"""Many rows into one table at once (`custodian.rows.rows_insert`): each value as the ORM would store it,
a missing column its field's default, on SQLite and PostgreSQL alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from custodian.billing.models import BillRun, LedgerEntry
from custodian.customers.models import Account
from custodian.rows import CompiledRead, rows_insert


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


# A read compiled once (`custodian.rows.CompiledRead`) answers as the ORM's queryset does, call after call.
def _entries(account_id, since):
    return LedgerEntry.objects.filter(account_id=account_id, posted_on__gte=since).order_by("posted_on", "pk")


def test_a_compiled_read_gives_the_querysets_rows_for_each_calls_values(customer, other_customer):
    accounts = [Account.objects.get(customer_id=c).pk for c in (customer, other_customer)]
    rows_insert(
        LedgerEntry,
        [
            {
                "account_id": a,
                "kind": "charge",
                "amount": Decimal(f"{n}.25"),
                "posted_on": date(2026, 10, n),
                "memo": f"charge {n}",
                "reference": "",
            }
            for n, a in enumerate(accounts * 2, start=1)
        ],
    )
    tuples = CompiledRead(
        lambda account_id, since: _entries(account_id, since).values_list("posted_on", "amount", "memo"),
        account_id=int,
        since=date,
    )
    objects = CompiledRead(_entries, account_id=int, since=date)
    for account in accounts:
        for since in (date(2026, 10, 1), date(2026, 10, 3), date(2027, 1, 1)):
            orm = _entries(account, since)
            assert tuples.rows(account_id=account, since=since) == list(
                orm.values_list("posted_on", "amount", "memo")
            )
            compiled = objects.rows(account_id=account, since=since)
            assert [(e.pk, e.posted_on, e.amount, e.created_at) for e in compiled] == [
                (e.pk, e.posted_on, e.amount, e.created_at) for e in orm
            ]
            assert all(not e._state.adding for e in compiled)


def charges_with_memos(customer, memos):
    """A charge of $1 on the customer's account for each memo."""
    account = Account.objects.get(customer_id=customer).pk
    rows_insert(
        LedgerEntry,
        [
            {
                "account_id": account,
                "kind": "charge",
                "amount": 1,
                "posted_on": date(2026, 10, 1),
                "memo": m,
                "reference": "",
            }
            for m in memos
        ],
    )


def test_a_compiled_read_matches_a_prefix_as_the_orm_does(customer):
    charges_with_memos(customer, ["50% off", "50%", "5_0 off", "a\\b", "other"])
    read = CompiledRead(
        lambda start: LedgerEntry.objects.filter(memo__startswith=start).order_by("pk").values_list("memo"),
        start=str,
    )
    for start in ("50%", "5_", "a\\", "", "o"):
        assert read.rows(start=start) == list(
            LedgerEntry.objects.filter(memo__startswith=start).order_by("pk").values_list("memo")
        )


def test_a_compiled_read_refuses_a_parameter_it_cannot_find_again(db):
    read = CompiledRead(
        lambda memo: LedgerEntry.objects.filter(memo__contains=memo).values_list("pk"),
        memo=str,
    )
    with pytest.raises(ValueError, match="memo"):
        read.rows(memo="x")


def test_a_compiled_read_answers_iexact_as_the_orm_does_or_refuses_it(customer):
    """On SQLite `__iexact` is a LIKE with the value escaped: refused when compiled (a `%` or `_` would match
    as a wildcard otherwise); on PostgreSQL it compares the text, and the rows are the ORM's."""
    charges_with_memos(customer, ["a_b", "axb"])
    read = CompiledRead(
        lambda memo: LedgerEntry.objects.filter(memo__iexact=memo).order_by("pk").values_list("memo"),
        memo=str,
    )
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="memo"):
            read.rows(memo="A_B")
    else:
        assert read.rows(memo="A_B") == [("a_b",)]
