"""The retention run's monthly totals and a Green Button import of the same customer run one after the
other: the run holds the customers' store locks from its read of their readings to its write of the totals,
as an import holds its customer's, so a run that starts while an import is storing waits for it and sums
the imported readings too (without the lock it summed what was held before, and the import's block then
replaced the total). A file that brings readings of a month the run has already reduced to its total
leaves the total as it is: the file's readings are refused by line, being before the period interval
readings are kept, and readings of that month given to the store are refused, named with the month, and the
import says it did not store everything (they used to replace the total, the month's use lost); a reading
of the whole month takes the total's place, as any reading of the same interval does."""

import io

import numpy as np
import pytest
from django.core.management.base import CommandError
from django.dispatch import Signal

from conftest import application_for
from custodian.customers.services import customer_enrol
from custodian.retention.services import retention_run
from custodian.retention.tests.test_retention_run import METER, hourly_block, month_of, years_ago
from custodian.testing import FILE_IMPORT, green_button_command, own_readings, staff_usage_import
from custodian.testing import espi_layouts as L
from custodian.testing.threads import in_a_thread
from custodian.usage import intervals
from custodian.usage.greenbutton_import import parse_espi
from custodian.vault import interval_files, services
from custodian.vault.services import interval_blocks_record

# How long the import, once it is staging, gives the retention run to run to its end before it goes on.
WAIT = 3.0
DAY = 24


@pytest.fixture
def old_month(transactional_db):
    """Dave, a customer for ten years, with a month of hourly readings (0.25 kWh each) eight years old, from
    a Green Button file he sent then (a file's readings, which a later file may replace)."""
    dave = customer_enrol(
        application=application_for("Dave Active", "dave@example.org", "507-555-0199", "0010000088"),
        submission=METER,
    )
    month = month_of(years_ago(8))
    interval_blocks_record(blocks=[hourly_block(dave.pk, month, 0.25)], submission=FILE_IMPORT)
    return dave, month


def test_a_run_that_starts_while_an_import_stores_waits_for_it_and_sums_its_readings(
    old_month, field_tech, monkeypatch
):
    dave, month = old_month
    first, after = interval_files.month_bounds(month)
    hours = (after - first) // 3600
    real_add, started = services.IntervalBlocksRecording.add, []

    def add(self, block):
        if not started:
            started.append(in_a_thread(lambda: retention_run(started_by_label="the scheduler")))
            started[0][0].join(timeout=WAIT)
            started.append(started[0][0].is_alive())
        return real_add(self, block)

    monkeypatch.setattr(services.IntervalBlocksRecording, "add", add)
    # Nothing to announce to third parties; and the tests' in-memory SQLite answers a second writer "locked"
    # at once instead of waiting, as the run would be answered while the announcement is written.
    monkeypatch.setattr(intervals, "readings_imported", Signal())
    # The month's first day again, in a newer file: 1 kWh an hour where 0.25 was held.
    data = L.feed(*L.one_meter([L.hourly(first, DAY, value=lambda i: 1000)]))
    summary = staff_usage_import(dave, parse_espi(io.BytesIO(data)), by=field_tech)
    assert summary.readings_stored == summary.readings_replaced == DAY
    (thread, outcome), waited = started
    thread.join(timeout=60)
    assert waited, "the retention run did not wait for the import storing the customer's readings"
    assert "error" not in outcome, outcome
    [total] = own_readings(dave, first, after)
    assert total.interval == after - first
    assert total.values == pytest.approx(np.array([0.25 * (hours - DAY) + 1.0 * DAY]))


def _reduced(dave, month):
    """Dave's month after the retention run: its total, one reading over the whole month."""
    retention_run(started_by_label="the scheduler")
    first, after = interval_files.month_bounds(month)
    [total] = own_readings(dave, first, after)
    assert total.interval == after - first and len(total.values) == 1
    return total


def test_readings_of_a_month_reduced_to_its_total_are_refused_by_month_and_the_total_kept(
    old_month, field_tech, tmp_path, capsys
):
    dave, month = old_month
    total = _reduced(dave, month)
    first, after = interval_files.month_bounds(month)
    # The month's first day again, from the meter's own records.
    path = tmp_path / "first-day-again.xml"
    path.write_bytes(L.feed(*L.one_meter([L.hourly(first, DAY, value=lambda i: 1000)])))
    # The file, imported: its readings are before the period interval readings are kept, each refused by
    # its line as the file is read.
    with pytest.raises(
        CommandError, match=f"all {DAY} of the file's readings were refused, so nothing was stored"
    ):
        green_button_command(str(path), dave)
    problems = capsys.readouterr().err
    assert "line 7: the reading from " in problems and "is before" in problems
    # Readings given to the store whatever their age (a file read without that bound): refused by month.
    summary = staff_usage_import(dave, parse_espi(str(path)), by=field_tech)
    assert summary.readings_read == summary.readings_refused == DAY and summary.readings_stored == 0
    assert f"{DAY} readings of {month} (electric) refused" in summary.problems[0].message
    assert "reduced to monthly totals under the retention schedule" in summary.problems[0].message
    assert not summary.all_stored and summary.blocks_written == 0
    [held] = own_readings(dave, first, after)
    assert held.interval == total.interval and held.values == pytest.approx(total.values)


def test_a_reading_of_the_whole_reduced_month_takes_the_total_s_place(old_month, field_tech):
    dave, month = old_month
    _reduced(dave, month)
    first, after = interval_files.month_bounds(month)
    data = L.feed(*L.one_meter([[(first, after - first, 123_000)]]))
    summary = staff_usage_import(dave, parse_espi(io.BytesIO(data)), by=field_tech)
    assert summary.all_stored and summary.readings_stored == summary.readings_replaced == 1
    [held] = own_readings(dave, first, after)
    assert held.interval == after - first and held.values == pytest.approx(np.array([123.0]))
