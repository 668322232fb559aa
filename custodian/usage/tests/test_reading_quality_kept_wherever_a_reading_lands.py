"""Each reading held keeps its own ReadingQuality code, wherever it is laid out and whatever gives way around
it: Ann's billing period marked estimated (8) keeps its 8 off the grid; her hours marked 8 keep it when a
later file's quarter hours of the same month move the month's grid to 15 minutes and the hours off it; a
reading the file marks 0 ("valid", a code of its own) keeps its 0 rather than reading as unmarked; a reading
that gave way takes its code with it and leaves none on what replaced it. Her download says each code as
held."""

import io
from datetime import datetime

from custodian.testing import espi_layouts as L
from custodian.testing import own_readings
from custodian.usage.greenbutton_import import ImportResult, Reading, parse_espi
from custodian.usage.intervals import quality_codes, usage_upload_by_customer
from custodian.usage.services import usage_points_for
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL

POINT = "csv:electric"
HOUR = 3600
SEP_1 = int(datetime(2026, 9, 1, tzinfo=LOCAL).timestamp())
SEP_20 = int(datetime(2026, 9, 20, tzinfo=LOCAL).timestamp())
OCT_20 = int(datetime(2026, 10, 20, tzinfo=LOCAL).timestamp())
SPAN = (SEP_1 - 86400, OCT_20 + 86400)


def upload(customer, readings: list[tuple[int, int, float, int]]):
    """The customer's own file of (start, seconds, Wh, ReadingQuality) readings, stored as the portal does."""
    result = ImportResult(
        readings=[Reading(POINT, POINT, at, d, wh, "Wh", 1, quality) for at, d, wh, quality in readings],
        usage_points={POINT: "electric"},
    )
    return usage_upload_by_customer(
        customer_id=customer.pk, result=result, size=1, actor=customer_actor(customer.pk)
    )


def codes_held(customer) -> dict[int, int]:
    return quality_codes(own_readings(customer, *SPAN), *SPAN, "electric")


def codes_downloaded(customer) -> dict[int, int]:
    [point] = usage_points_for(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        purpose="providing_services",
        start=SPAN[0],
        end=SPAN[1],
    )
    [series] = point.meter_readings()
    return series.qualities


def test_a_billing_period_keeps_its_code_off_the_grid(customer):
    assert upload(customer, [(SEP_20, OCT_20 - SEP_20, 300_000.0, 8)]).all_stored
    assert codes_held(customer) == {SEP_20: 8}
    assert codes_downloaded(customer) == {SEP_20: 8}


def test_hours_moved_off_the_grid_by_quarter_hours_keep_their_codes(customer):
    hours = [(SEP_1 + h * HOUR, HOUR, 500.0, 8) for h in range(24)]
    upload(customer, hours)
    # Two days of quarter hours later in the month: the month's grid is now 15 minutes; the hours are off it.
    quarters = [(SEP_1 + 5 * 86400 + q * 900, 900, 120.0, -1) for q in range(192)]
    summary = upload(customer, quarters)
    assert summary.all_stored and summary.readings_displaced == 0
    assert codes_held(customer) == {at: 8 for at, *_ in hours}
    assert codes_downloaded(customer) == {at: 8 for at, *_ in hours}


def test_a_reading_marked_valid_keeps_its_0(customer):
    # Three hours unmarked, then three marked 0 ("valid").
    mr = f"{L.ROOT}/RetailCustomer/9/UsagePoint/1/MeterReading/01"
    feed = L.feed(
        *L.one_meter([L.hourly(SEP_1, 3)]),
        L.entry(
            L.interval_block(L.hourly(SEP_1 + 3 * HOUR, 3), quality=0),
            f"{mr}/IntervalBlock/9",
            f"{mr}/IntervalBlock",
        ),
    )
    result = parse_espi(io.BytesIO(feed))
    assert result.ok, result.problems
    assert [r.quality for r in result.readings] == [-1, -1, -1, 0, 0, 0]
    summary = usage_upload_by_customer(
        customer_id=customer.pk, result=result, size=1, actor=customer_actor(customer.pk)
    )
    assert summary.all_stored
    assert codes_held(customer) == {SEP_1 + h * HOUR: 0 for h in range(3, 6)}
    assert codes_downloaded(customer) == {SEP_1 + h * HOUR: 0 for h in range(3, 6)}


def test_a_reading_that_gave_way_takes_its_code_with_it(customer):
    upload(customer, [(SEP_20, OCT_20 - SEP_20, 300_000.0, 8)])
    hours = upload(customer, [(SEP_20 + h * HOUR, HOUR, 500.0, -1) for h in range(3)])
    assert hours.readings_displaced == 1
    assert codes_held(customer) == {}
