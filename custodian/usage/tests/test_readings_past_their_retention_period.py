"""A staff import is held to the period interval readings are kept, as a customer's upload is, by one bound:
readings of a month the retention run would reduce to its total at once are refused by their line, not
stored to be summed away (the 2011 samples, imported by a field technician, used to be stored whole)."""

from datetime import datetime

import pytest
from django.core.management import CommandError

from custodian.retention.services import retention_due
from custodian.testing import green_button_command, own_readings, project_file
from custodian.usage.intervals import readings_kept_since, series_readings, upload_bounds
from custodian.vault import interval_files
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL, month_bounds

SAMPLE = "reference/greenbutton/samples/Coastal_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_5.xml"


def test_a_staff_import_of_readings_past_the_period_stores_none_and_retention_has_none_due(
    customer, field_tech, capsys
):
    with pytest.raises(
        CommandError, match="all 8760 of the file's readings were refused, so nothing was stored"
    ):
        green_button_command(project_file(SAMPLE), customer)
    problems = capsys.readouterr().err
    assert "line 133: the reading from 2011-01-01 02:00-0600 is before" in problems
    assert not interval_files.block_index()
    [due] = [d for d in retention_due() if d.item.key == "interval_readings"]
    assert due.count == 0


def test_the_first_month_kept_is_taken_and_the_month_before_refused_by_line(customer, field_tech, tmp_path):
    since = readings_kept_since()
    assert (
        month_bounds(interval_files.month_of(since))[0] == since
    )  # the bound is a month's first instant, as the run counts
    path = tmp_path / "usage.csv"
    before, kept = since - 3600, since
    path.write_text(
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS\n"
        + "".join(
            f"Electric usage,{day},{start},{end},1.5,kWh\n" for day, start, end in (_row(before), _row(kept))
        )
    )
    with pytest.raises(CommandError, match="1 of 2 readings was not stored"):
        green_button_command(path, customer)
    blocks = own_readings(customer, since - 3600, since + 3600)
    stored = series_readings(blocks, since - 3600, since + 3600, "electric")
    assert [(start, value) for start, _, value in stored] == [(since, pytest.approx(1.5))]


def test_a_customer_s_upload_is_held_to_the_same_bound(customer):
    bounds = upload_bounds(fetched_by=customer_actor(customer.pk, "the customer"), customer_id=customer.pk)
    assert bounds.since == readings_kept_since()


def _row(start: int) -> tuple[str, str, str]:
    """A CSV row's DATE, START TIME and END TIME for the hour from `start`, with its UTC offset."""
    a, b = datetime.fromtimestamp(start, LOCAL), datetime.fromtimestamp(start + 3600, LOCAL)
    return a.strftime("%Y-%m-%d"), a.strftime("%H:%M%z"), b.strftime("%H:%M%z")
