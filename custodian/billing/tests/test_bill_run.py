"""The bill run: usage read through the gate as the billing job, bills sealed, re-runs idempotent, a killed
run re-run to the same result, estimates trued up, corrections as re-bills, DST months."""

import gc
import weakref
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from custodian.audit.models import AccessEvent
from custodian.billing import services
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.reads import daily_from_block
from custodian.billing.selectors import bill_document
from custodian.billing.services import BillingError, balance_of, bill_correct, bill_run
from custodian.customers.models import Account
from custodian.testing import postgres_only
from custodian.testing.billing import YEAR, billing_day, household, reading_corrected, usage_document
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.models import SealedDocument
from custodian.vault.services import Submission, interval_blocks_record, personal_data_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


@pytest.fixture
def town(db):
    return [household(f"Home {i}", f"00200000{i:02d}", YEAR) for i in range(5)]


def _bills(cycle):
    return list(Bill.objects.filter(cycle=cycle, is_current=True).order_by("account_id"))


def test_one_bill_per_account_sealed_logged_once_per_customer_and_charged(town):
    assert bill_run(cycle="2026-10") == 5
    bills = _bills("2026-10")
    assert len(bills) == 5
    events = AccessEvent.objects.filter(action="bill_run")
    assert sorted(int(e.customer_id) for e in events) == sorted(c.pk for c in town)
    assert {(e.actor_kind, e.actor_id, e.purpose, e.decision) for e in events} == {
        ("system", "billing_run", "billing", "allow")
    }
    # sealed: the clear columns carry no usage, the document can't be read without the gate
    doc = SealedDocument.objects.get(ref=bills[0].document_ref)
    assert doc.category == "bills" and b"Home" not in bytes(doc.ciphertext)
    # computed by the utility: nothing was collected, so no notice at collection is claimed
    assert (doc.provenance.channel, doc.provenance.notice_key) == ("computed", "")
    content = bill_document(actor=customer_actor(bills[0].customer_id), bill=bills[0], purpose="billing")
    assert content["name"] == "Home 0" and Decimal(content["total"]) == bills[0].total
    assert content["tariff_versions"] == ["2026.1"] and bills[0].tariff_versions == "2026.1"
    assert {li["service"] for li in content["lines"]} == {"electric", "gas", "water"}
    assert all(balance_of(b.account_id) == b.total for b in bills)


def test_a_re_run_bills_nobody_twice(town):
    bill_run(cycle="2026-10")
    before = list(Bill.objects.values_list("pk", "total"))
    assert bill_run(cycle="2026-10") == 0
    assert list(Bill.objects.values_list("pk", "total")) == before
    assert LedgerEntry.objects.count() == 5


def _contents(cycle):
    return [
        (b.account.customer_id, b.total, b.period_start, b.period_end, b.content_sha256)
        for b in Bill.objects.filter(cycle=cycle, is_current=True)
        .select_related("account")
        .order_by("account_id")
    ]


def _killed_at_chunk(monkeypatch, n: int):
    """The bill run killed as it starts its `n`th chunk; returns the real chunk, to put back."""
    real = services._bill_chunk
    calls = {"n": 0}

    def dies_on_that_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_bill_chunk", dies_on_that_chunk)
    return real


def test_a_killed_run_re_run_gives_the_same_bills(town, monkeypatch):
    real = _killed_at_chunk(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        bill_run(cycle="2026-10", chunk=2)
    assert Bill.objects.count() == 2  # the first chunk committed, the second left nothing
    monkeypatch.setattr(services, "_bill_chunk", real)
    assert bill_run(cycle="2026-10", chunk=2) == 3
    killed = _contents("2026-10")
    # the same cycle billed in one go for an identical town gives the same bills
    Bill.objects.update(is_current=False)
    bill_run(cycle="2026-10")
    fresh = _contents("2026-10")
    assert [k[1:] for k in killed] == [f[1:] for f in fresh]


def _town_outside_a_transaction():
    return [household(f"Home {i}", f"00200000{i:02d}", YEAR) for i in range(5)]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_chunks_in_flight_together_bill_as_one_at_a_time():
    """On PostgreSQL, outside a caller's transaction, two chunks are billed at once on their own connections:
    the same bills as one chunk after another, one access event per customer, each chunk whole."""
    town = _town_outside_a_transaction()
    assert bill_run(cycle="2026-10", chunk=1) == 5
    together = _contents("2026-10")
    events = AccessEvent.objects.filter(action="bill_run")
    assert sorted(int(e.customer_id) for e in events) == sorted(c.pk for c in town)
    assert LedgerEntry.objects.count() == 5
    Bill.objects.update(is_current=False)
    with transaction.atomic():  # inside a transaction: one chunk after another on its connection
        assert bill_run(cycle="2026-10", chunk=1) == 5
    assert [k[1:] for k in together] == [k[1:] for k in _contents("2026-10")]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_chunk_failing_in_flight_stops_the_run_and_a_re_run_completes_it(monkeypatch):
    _town_outside_a_transaction()
    real = _killed_at_chunk(monkeypatch, 3)
    with pytest.raises(KeyboardInterrupt):
        bill_run(cycle="2026-10", chunk=1)
    left = Bill.objects.count()
    assert left < 5 and LedgerEntry.objects.count() == left  # the failed chunk left nothing
    monkeypatch.setattr(services, "_bill_chunk", real)
    assert bill_run(cycle="2026-10", chunk=1) == 5 - left
    assert AccessEvent.objects.filter(action="bill_run").count() == 5


def test_the_command_bills_a_cycle_and_names_a_bad_one(town, capsys):
    call_command("bill_run", "--cycle", "2026-09", "--no-progress")
    assert "5 bills issued for 2026-09" in capsys.readouterr().out

    with pytest.raises(CommandError, match="not a month written YYYY-MM"):
        call_command("bill_run", "--cycle", "2026-13", "--no-progress")
    with pytest.raises(CommandError, match="no tariff version in force"):
        call_command("bill_run", "--cycle", "2019-01", "--no-progress")


def test_a_missing_read_is_estimated_then_trued_up(db, monkeypatch):
    billing_day(monkeypatch, date(2026, 12, 1))  # November billed once it has ended
    months = {k: v for k, v in YEAR.items() if k != "2026-10"}
    home = household("Estimate Home", "0020000099", months)
    bill_run(cycle="2026-10")
    october = Bill.objects.get(cycle="2026-10")
    assert october.estimated_services == "electric,gas,water"
    content = bill_document(actor=customer_actor(home.pk), bill=october, purpose="billing")
    # the average of the last three actual reads (July–September)
    electric = next(u for u in content["usage"] if u["service"] == "electric")
    assert (Decimal(electric["quantity"]), electric["estimated"]) == (Decimal("680.000"), True)
    # the actual October read arrives (700 kWh etc.), then November is billed
    with_actual = {**YEAR, "2026-11": {"electric": 700.0, "gas": 50.0, "water": 5000.0}}
    personal_data_record(customer=home, values={"meter_usage": usage_document(with_actual)}, submission=METER)
    bill_run(cycle="2026-11")
    november = Bill.objects.get(cycle="2026-11")
    october.refresh_from_db()
    assert october.trued_up_in_id == november.pk
    lines = bill_document(actor=customer_actor(home.pk), bill=november, purpose="billing")["lines"]
    true_ups = [li for li in lines if li["description"].startswith("True-up of the 2026-10 estimate")]
    assert {li["service"] for li in true_ups} == {"electric", "gas", "water"}
    electric_true_up = next(li for li in true_ups if li["service"] == "electric")
    # 20 kWh more than estimated, October's winter first block: 20 × (0.1150 + 0.0045) = 2.39
    assert Decimal(electric_true_up["amount"]) == Decimal("2.39")


def test_a_correction_is_a_re_bill_with_a_reason(town, billing_clerk):
    bill_run(cycle="2026-10")
    old = _bills("2026-10")[0]
    reading_corrected(old.customer)
    with pytest.raises(BillingError, match="reason"):
        bill_correct(bill_id=old.pk, reason="", by=billing_clerk)
    new = bill_correct(bill_id=old.pk, reason="meter misread; corrected read entered", by=billing_clerk)
    old.refresh_from_db()
    assert (
        not old.is_current and new.supersedes_id == old.pk and new.rebill_reason.startswith("meter misread")
    )
    assert balance_of(old.account_id) == new.total  # the old charge credited, the new one charged
    with pytest.raises(BillingError, match="no such current bill"):
        bill_correct(bill_id=old.pk, reason="again, please", by=billing_clerk)


def test_move_in_mid_cycle_is_prorated(db):
    home = household("Mid Month", "0020000077", YEAR)
    Account.objects.filter(customer=home).update(opened_on=date(2026, 10, 16))
    bill_run(cycle="2026-10")
    bill = Bill.objects.get(customer=home)
    assert (bill.period_start, bill.period_end) == (date(2026, 10, 16), date(2026, 10, 31))
    lines = bill_document(actor=customer_actor(home.pk), bill=bill, purpose="billing")["lines"]
    assert "Customer charge (16 of 31 days)" in {li["description"] for li in lines}


@pytest.mark.parametrize("month, hours, day, day_hours", [("2026-03", 743, 8, 23), ("2026-11", 721, 1, 25)])
def test_dst_months_bill_every_hour_read(month, hours, day, day_hours):
    start, end = month_bounds(month)
    block = IntervalBlock(1, "electric", month, start, 3600, np.ones((end - start) // 3600))
    daily, missing = daily_from_block(block, month)
    assert sum(daily.values()) == hours and not missing
    assert daily[date(int(month[:4]), int(month[5:]), day)] == day_hours


def test_interval_readings_are_billed_over_register_reads_and_gaps_estimated(db):
    home = household("Interval Home", "0020000055", YEAR)
    start, end = month_bounds("2026-10")
    values = np.full((end - start) // 3600, 1.0)
    values[:24] = np.nan  # the first day's readings are missing
    interval_blocks_record(
        blocks=[IntervalBlock(home.pk, "electric", "2026-10", start, 3600, values)], submission=METER
    )
    bill_run(cycle="2026-10")
    bill = Bill.objects.get(customer=home)
    content = bill_document(actor=customer_actor(home.pk), bill=bill, purpose="billing")
    electric = next(u for u in content["usage"] if u["service"] == "electric")
    assert Decimal(electric["quantity"]) == Decimal((end - start) // 3600) and electric["estimated"]
    assert bill.estimated_services == "electric"
    assert AccessEvent.objects.filter(action="bill_run", customer_id=str(home.pk)).count() == 1


def test_only_billing_staff_correct_and_the_re_read_names_them(town, billing_clerk, service_rep):
    bill_run(cycle="2026-10")
    old = _bills("2026-10")[0]
    reading_corrected(old.customer)
    for who in (service_rep, None):
        with pytest.raises(BillingError, match="only billing staff"):
            bill_correct(bill_id=old.pk, reason="meter misread; corrected read entered", by=who)
    bill_correct(bill_id=old.pk, reason="meter misread; corrected read entered", by=billing_clerk)
    event = AccessEvent.objects.get(action="rebill")
    assert (event.actor_id, event.on_behalf_of) == ("billing_run", "bill.clerk")


def test_the_run_gives_the_collector_back_what_it_froze_and_leaves_a_process_s_own_freeze(town):
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    bill_run(cycle="2026-09")
    assert gc.get_freeze_count() == 0  # the objects frozen for the run are collected again
    assert gc.isenabled()  # automatic collection is back on
    gc.freeze()  # as a server preloading before forking would
    try:
        bill_run(cycle="2026-10")
        assert gc.get_freeze_count() > 0  # still frozen (less what was freed meanwhile), not handed back
    finally:
        gc.unfreeze()


def test_a_chunk_s_cyclic_garbage_is_collected_before_the_next_chunk(town, monkeypatch):
    real = services._bill_chunk
    made: list[weakref.ref] = []

    class Node:
        pass

    def chunk_leaving_a_cycle(part, *args, **kwargs):
        assert not gc.isenabled()  # no automatic pass while a chunk's objects pile up
        if made:
            assert made[-1]() is None  # the previous chunk's cycle was freed between the chunks
        node = Node()
        node.itself = node  # a cycle: reference counting alone never frees it
        made.append(weakref.ref(node))
        return real(part, *args, **kwargs)

    monkeypatch.setattr(services, "_bill_chunk", chunk_leaving_a_cycle)
    assert bill_run(cycle="2026-10", chunk=2) == 5
    assert len(made) == 3 and made[-1]() is None and gc.isenabled()


def test_a_process_that_turned_automatic_collection_off_keeps_it_off(town):
    gc.disable()
    try:
        assert bill_run(cycle="2026-10") == 5
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_readings_the_customer_uploaded_are_never_billed(db):
    """A Green Button file the customer uploaded is their own copy of their use, not the meter's: the bill run
    bills the utility's meter readings (interval or register) only, so nobody lowers a bill by uploading."""
    home = household("Uploading Home", "0020000066", YEAR)
    start, end = month_bounds("2026-10")
    uploaded = Submission(channel="file_import", notice_key="metering", recorded_by_label="the customer")
    interval_blocks_record(
        blocks=[
            IntervalBlock(home.pk, "electric", "2026-10", start, 3600, np.full((end - start) // 3600, 0.01))
        ],
        submission=uploaded,
    )
    bill_run(cycle="2026-10")
    bill = Bill.objects.get(customer=home)
    content = bill_document(actor=customer_actor(home.pk), bill=bill, purpose="billing")
    electric = next(u for u in content["usage"] if u["service"] == "electric")
    assert Decimal(electric["quantity"]) == Decimal(str(YEAR["2026-10"]["electric"]))
