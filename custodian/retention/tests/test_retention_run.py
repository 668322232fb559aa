"""Retention with a clock: an account closed longer ago than its period is crypto-shredded by the run (data
key, sealed values, documents and interval blocks), the gate then answers that its data was destroyed under
the schedule item (to a caller allowed to read it; anyone else gets the usual answer), replaced values and
old interval readings go (monthly totals kept), each run writes its destruction records, a request in
progress holds the clock, and a second run destroys nothing twice. The access log still verifies."""

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from conftest import PAPER_FORM, application_for
from custodian.audit import events, merkle
from custodian.audit.models import AccessEvent, LogLeaf, Redaction
from custodian.audit.tree import TileReader, current_head, integrate
from custodian.audit.verify import verify_log
from custodian.casework.data_requests import package_build
from custodian.customers.models import Account
from custodian.customers.services import account_stop, customer_enrol
from custodian.policy.loader import current_policy
from custodian.retention.models import DestructionRecord, RetentionRun
from custodian.vault import gate, interval_files
from custodian.vault.models import DataKey, PersonalValue, SealedDocument
from custodian.vault.services import Submission, interval_blocks_record, personal_data_record

TODAY = timezone.localdate()
METER = Submission(channel="meter", notice_key="metering", recorded_by_label="meter reading")


def years_ago(n: int, day: date = TODAY) -> date:
    try:
        return day.replace(year=day.year - n)
    except ValueError:
        return day.replace(year=day.year - n, day=28)


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def hourly_block(customer_id: int, month: str, value: float = 0.5):
    start, end = interval_files.month_bounds(month)
    return interval_files.IntervalBlock(
        customer_id, "electric", month, start, 3600, np.full((end - start) // 3600, value)
    )


def month_read(reader, customer, month: str):
    """`reader` reads `customer`'s interval readings of `month` through the gate, for billing."""
    start, end = interval_files.month_bounds(month)
    return gate.reveal_intervals(
        actor=gate.staff_actor(reader), customer_id=customer.pk, purpose="billing", start=start, end=end
    )


def enrol(name, email, account, opened_on):
    app = application_for(name, email, "507-555-0199", account)
    app.opened_on = opened_on
    return customer_enrol(application=app, submission=PAPER_FORM)


@pytest.fixture
def history(db):
    """Carol moved away seven years ago; Dave has been a customer for ten years and still is."""
    carol = enrol("Carol Closed", "carol@example.org", "0010000077", years_ago(10))
    dave = enrol("Dave Active", "dave@example.org", "0010000088", years_ago(10))
    old_month = month_of(years_ago(8))
    recent_month = month_of(TODAY.replace(day=1) - timedelta(days=1))
    interval_blocks_record(
        blocks=[hourly_block(carol.pk, old_month), hourly_block(dave.pk, old_month, 0.25)], submission=METER
    )
    interval_blocks_record(blocks=[hourly_block(dave.pk, recent_month, 0.75)], submission=METER)
    account_stop(account_id=Account.objects.get(customer=carol).pk, closed_on=years_ago(7))
    # Dave changed his telephone number four years ago (the clock: when the old value was replaced).
    personal_data_record(customer=dave, values={"phone": "507-555-0100"}, submission=PAPER_FORM)
    PersonalValue.objects.filter(customer=dave, field="phone", superseded_at__isnull=False).update(
        superseded_at=timezone.now() - timedelta(days=4 * 366)
    )
    return carol, dave, old_month, recent_month


def test_the_dry_run_lists_what_is_due_with_counts_and_destroys_nothing(history, capsys):
    carol, dave, old_month, _ = history
    call_command("retention_run", "--dry-run")
    out = capsys.readouterr().out
    assert "closed_accounts: 1 customers due" in out
    assert "replaced_values: 1 earlier values due" in out
    assert "interval_readings: 1 customer-months due" in out  # Dave's old month (Carol's goes with her)
    assert "General Records Retention Schedule for Minnesota Cities" in out
    assert "(item to be confirmed)" in out
    assert DataKey.objects.filter(customer=carol).exists()
    assert not RetentionRun.objects.exists() and not DestructionRecord.objects.exists()


def test_a_closed_account_past_its_period_is_destroyed_and_the_gate_says_under_which_item(
    history, billing_clerk, web_editor, console, capsys
):
    carol, dave, old_month, recent_month = history
    call_command("retention_run")
    out = capsys.readouterr().out
    assert "closed_accounts: destroyed 1" in out

    # Crypto-shredded: the key first, then every sealed row and block.
    assert not DataKey.objects.filter(customer=carol).exists()
    assert not PersonalValue.objects.filter(customer=carol).exists()
    assert not SealedDocument.objects.filter(customer=carol).exists()
    assert interval_files.block_index(customer_ids=[carol.pk]) == []
    for path in interval_files.store_dir().rglob("*.parquet"):
        assert carol.pk not in pq.read_table(path).column("customer_id").to_pylist()

    # The gate answers "destroyed under item X" to whoever may read it ...
    with pytest.raises(gate.Destroyed) as destroyed:
        gate.reveal(
            actor=gate.staff_actor(billing_clerk), customer_id=carol.pk, fields=["name"], purpose="billing"
        )
    assert destroyed.value.schedule_item == "closed_accounts"
    assert "destroyed on" in str(destroyed.value) and "retention schedule item closed_accounts" in str(
        destroyed.value
    )
    with pytest.raises(gate.Destroyed):
        month_read(billing_clerk, carol, old_month)
    # ... and the usual answer to anyone who may not.
    with pytest.raises(gate.Denied) as denied:
        gate.reveal(
            actor=gate.staff_actor(web_editor), customer_id=carol.pk, fields=["name"], purpose="billing"
        )
    assert not isinstance(denied.value, gate.Destroyed)
    # Bulk reads that include her are refused, saying why (in the log), instead of leaving her out in silence.
    with pytest.raises(gate.Denied) as bulk:
        gate.reveal_many(
            actor=gate.system_actor("billing_run"),
            customer_ids=[carol.pk, dave.pk],
            fields=["name"],
            purpose="billing",
        )
    assert bulk.value.reason == "1 of the customers' data was destroyed under the retention schedule"

    # In the console, the billing clerk is told the same on the page drawn again (400, as every form drawn
    # again with a refusal), not shown a server error or an empty page.
    page = console(billing_clerk).post(
        f"/staff/customers/{carol.pk}/", {"purpose": "billing", "fields": ["name"]}
    )
    assert page.status_code == 400
    assert "retention schedule item closed_accounts" in page.content.decode()

    # Dave is untouched but for his old month, now its total; his recent month is reading by reading.
    assert gate.reveal(
        actor=gate.staff_actor(billing_clerk), customer_id=dave.pk, fields=["name"], purpose="billing"
    ) == {"name": "Dave Active"}
    (old,) = month_read(billing_clerk, dave, old_month)
    start, end = interval_files.month_bounds(old_month)
    hours = (end - start) // 3600
    assert len(old.values) == 1 and old.values[0] == pytest.approx(0.25 * hours)
    assert old.interval == hours * 3600
    (recent,) = month_read(billing_clerk, dave, recent_month)
    assert len(recent.values) > 1
    # His replaced telephone number is gone, his current one stays.
    assert list(
        PersonalValue.objects.filter(customer=dave, field="phone").values_list("superseded_at", flat=True)
    ) == [None]

    # One destruction record per item, with what, how many and under which item.
    records = {r.schedule_item: r for r in DestructionRecord.objects.all()}
    assert records["closed_accounts"].count == 1
    assert records["closed_accounts"].details["interval_blocks"] == 1
    assert "General Records Retention Schedule for Minnesota Cities" in records["closed_accounts"].citation
    assert records["replaced_values"].count == 1
    assert (
        records["interval_readings"].count == 1 and records["interval_readings"].details["readings"] == hours
    )
    # The access log is intact.
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out


@pytest.fixture
def at_the_edge(history):
    """Erin's last account closed six years ago to the day: the first day the schedule still keeps. Frank's
    closed the day before it, six years and a day ago. The days are counted as the run counts them, back from
    today's local midnight (`RetentionItem.first_day_kept`)."""
    first_kept = current_policy().retention_schedule["closed_accounts"].first_day_kept(TODAY)
    assert first_kept == years_ago(6)
    erin = enrol("Erin Edge", "erin@example.org", "0010000099", years_ago(12))
    frank = enrol("Frank Former", "frank@example.org", "0010000066", years_ago(12))
    account_stop(account_id=Account.objects.get(customer=erin).pk, closed_on=first_kept)
    account_stop(account_id=Account.objects.get(customer=frank).pk, closed_on=first_kept - timedelta(days=1))
    return erin, frank


def test_a_closed_account_is_kept_six_years_to_the_day_and_destroyed_the_day_after(
    history, at_the_edge, billing_clerk, capsys
):
    carol, *_ = history
    erin, frank = at_the_edge
    as_of = ("--as-of", TODAY.isoformat())
    call_command("retention_run", "--dry-run", *as_of)
    assert "closed_accounts: 2 customers due" in capsys.readouterr().out  # Carol and Frank, not Erin

    call_command("retention_run", *as_of)
    assert DestructionRecord.objects.get(schedule_item="closed_accounts").count == 2
    assert not DataKey.objects.filter(customer__in=[carol, frank]).exists()
    assert DataKey.objects.filter(customer=erin).exists()
    assert gate.reveal(
        actor=gate.staff_actor(billing_clerk), customer_id=erin.pk, fields=["name"], purpose="billing"
    ) == {"name": "Erin Edge"}
    with pytest.raises(gate.Destroyed):
        gate.reveal(
            actor=gate.staff_actor(billing_clerk), customer_id=frank.pk, fields=["name"], purpose="billing"
        )


def test_a_value_replaced_within_three_years_is_held_and_answered_for(
    history, privacy_officer, open_request, capsys
):
    """Dave changed his telephone number again: the number he gave up a moment more than three years ago is
    destroyed, the one he gave up two years ago is held (a correction or a billing dispute can still be
    answered with it) and his data access answer lists it among the earlier values."""
    _, dave, *_ = history
    personal_data_record(customer=dave, values={"phone": "507-555-0111"}, submission=PAPER_FORM)
    personal_data_record(customer=dave, values={"phone": "507-555-0122"}, submission=PAPER_FORM)
    cutoff = current_policy().retention_schedule["replaced_values"].first_moment_kept(TODAY)
    four_years, just_over_three, two_years, current = PersonalValue.objects.filter(
        customer=dave, field="phone"
    ).order_by("pk")
    PersonalValue.objects.filter(pk=just_over_three.pk).update(superseded_at=cutoff - timedelta(seconds=1))
    PersonalValue.objects.filter(pk=two_years.pk).update(superseded_at=timezone.now() - timedelta(days=730))

    as_of = ("--as-of", TODAY.isoformat())
    call_command("retention_run", "--dry-run", *as_of)
    assert "replaced_values: 2 earlier values due" in capsys.readouterr().out
    call_command("retention_run", *as_of)
    assert DestructionRecord.objects.get(schedule_item="replaced_values").count == 2
    assert set(PersonalValue.objects.filter(customer=dave, field="phone").values_list("pk", flat=True)) == {
        two_years.pk,
        current.pk,
    }

    request = open_request(dave, "privacy_officer", kind="data_access", photo_id=True)
    package = package_build(actor=gate.staff_actor(privacy_officer), request=request)
    earlier = next(s for s in package.sections if s.title == "Earlier values we still hold")
    assert [row[1] for row in earlier.rows if row[0] == "Telephone number"] == ["507-555-0111"]


def test_a_second_run_destroys_nothing_twice(history):
    call_command("retention_run")
    first = {r.schedule_item: r.count for r in DestructionRecord.objects.all()}
    call_command("retention_run")
    second = {
        r.schedule_item: r.count for r in DestructionRecord.objects.filter(run=RetentionRun.objects.last())
    }
    assert first["closed_accounts"] == 1 and second["closed_accounts"] == 0
    assert second["interval_readings"] == 0 and second["replaced_values"] == 0


def test_a_request_in_progress_holds_the_clock(history, open_request, capsys):
    carol, *_ = history
    open_request(carol, "customer_service")
    call_command("retention_run", "--dry-run")
    assert "closed_accounts: 0 customers due" in capsys.readouterr().out
    call_command("retention_run")
    assert DataKey.objects.filter(customer=carol).exists()
    assert (
        DestructionRecord.objects.get(schedule_item="closed_accounts").details["held_for_open_requests"] == 1
    )


def test_a_real_run_can_not_count_from_a_day_to_come(history, capsys):
    later = (TODAY + timedelta(days=400)).isoformat()
    with pytest.raises(CommandError, match="can't be later"):
        call_command("retention_run", "--as-of", later)
    call_command("retention_run", "--dry-run", "--as-of", later)  # a dry run may look ahead
    assert "closed_accounts:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a day"):
        call_command("retention_run", "--dry-run", "--as-of", "next tuesday")


def test_access_log_contents_past_their_period_are_redacted_and_the_proofs_still_verify(
    history, billing_clerk, monkeypatch, capsys
):
    """Who read Dave's data seven years ago is removed from the log; the event's leaf stays, so the tree, its
    head and every inclusion proof are unchanged and the log verifies, counting the redaction."""

    carol, dave, *_ = history
    seven_years_ago = timezone.now() - timedelta(days=7 * 366)
    monkeypatch.setattr(
        events, "time", SimpleNamespace(time_ns=lambda: int(seven_years_ago.timestamp() * 1e9))
    )
    for _ in range(3):
        gate.reveal(
            actor=gate.staff_actor(billing_clerk), customer_id=dave.pk, fields=["name"], purpose="billing"
        )
    monkeypatch.undo()
    old = list(
        AccessEvent.objects.filter(at_us__lt=int(seven_years_ago.timestamp() * 1e6) + 1).values_list(
            "seq", flat=True
        )
    )
    assert len(old) == 3
    integrate()
    head = current_head()
    position = LogLeaf.objects.get(event_seq=old[0]).idx
    proof = TileReader().inclusion_proof(position, head.size)
    leaf = TileReader().leaf(position)

    call_command("retention_run", "--dry-run")
    assert "access_log: 3 events due" in capsys.readouterr().out
    call_command("retention_run")
    assert not AccessEvent.objects.filter(seq__in=old).exists()
    assert Redaction.objects.filter(event_seq__in=old).count() == 3
    record = DestructionRecord.objects.get(schedule_item="access_log")
    assert record.count == 3 and "leaf hash stays" in record.method
    # The leaf, the head and the proof issued before the run are what they were.
    assert TileReader().leaf(position) == leaf
    assert merkle.verify_inclusion(position, head.size, leaf, proof, head.root)
    result = verify_log()
    assert result.ok and result.redacted == 3, str(result)
    # Recent events stay.
    assert AccessEvent.objects.filter(at_us__gte=int(seven_years_ago.timestamp() * 1e6) + 1).exists()
