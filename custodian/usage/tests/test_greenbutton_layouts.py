"""Every ESPI layout the standard allows is read without losing a reading, and what cannot be held is
refused by name: several blocks in one entry, relative and missing links, several usage points and meter
readings, flow directions, demand, billing periods, local days across a clock change, whitespace in
enumerations, reading quality, a wrong namespace. The fixtures are small files written in
`custodian.testing.espi_layouts`."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError
from lxml import etree

from custodian.testing import espi_layouts as L
from custodian.testing import green_button_command, meter_complaint, own_readings, project_file
from custodian.usage.greenbutton_export import espi_feed
from custodian.usage.greenbutton_import import parse_espi
from custodian.usage.intervals import PERIODS, QUALITY, series_readings, usage_import
from custodian.usage.services import usage_points_for
from custodian.vault.gate import reveal_intervals
from custodian.vault.services import Submission

JAN = int(datetime(2026, 1, 5, tzinfo=ZoneInfo("America/Chicago")).timestamp())


def parse(data: bytes):
    return parse_espi(io.BytesIO(data))


def test_several_interval_blocks_in_one_entry_are_all_read():
    up = f"{L.ROOT}/RetailCustomer/9/UsagePoint/1"
    mr = f"{up}/MeterReading/01"
    two_blocks = L.interval_block(L.hourly(JAN, 24)) + L.interval_block(L.hourly(JAN + 86400, 24))
    data = L.feed(
        *L.one_meter([])[:3],
        L.entry(two_blocks, f"{mr}/IntervalBlock/1", f"{mr}/IntervalBlock"),
    )
    result = parse(data)
    assert result.ok, result.problems
    assert len(result.readings) == 48 and result.readings_read == 48


def test_relative_links_find_their_reading_type():
    result = parse(L.feed(*L.one_meter([L.hourly(JAN, 24)], relative=True)))
    assert result.ok, result.problems
    assert len(result.readings) == 24 and {r.unit for r in result.readings} == {"Wh"}


def test_missing_links_fall_back_to_document_order_and_say_so():
    data = L.feed(
        L.entry(L.usage_point()),
        L.entry(L.meter_reading()),
        L.entry(L.reading_type(power=3)),
        L.entry(L.interval_block(L.hourly(JAN, 24, value=lambda i: 2))),
    )
    result = parse(data)
    assert result.ok, result.problems
    assert [r.value for r in result.readings] == [2000.0] * 24
    notes = " ".join(n.message for n in result.notes)
    assert "document order" in notes and "ReadingType next to it" in notes


def test_five_usage_points_stay_apart():
    entries = []
    for n in range(1, 6):
        entries += L.one_meter([L.hourly(JAN, 24, value=lambda i, n=n: n * 100)], up_n=n)
    result = parse(L.feed(*entries))
    assert result.ok, result.problems
    assert len(result.series) == 5 and len({s.usage_point for s in result.series}) == 5
    assert sorted(int(s.values.sum()) for s in result.series) == [n * 100 * 24 for n in range(1, 6)]


def test_forward_net_and_reverse_flows_are_separate_series():
    entries = L.several_meter_readings(
        (L.hourly(JAN, 24, value=lambda i, f=flow: f), flow, 72, None) for flow in (1, 4, 19)
    )
    result = parse(L.feed(*entries))
    assert result.ok, result.problems
    assert sorted(s.flow_direction for s in result.series) == [1, 4, 19]
    assert {s.flow_direction: float(s.values.sum()) for s in result.series} == {1: 24.0, 4: 96.0, 19: 456.0}


def test_demand_and_volumes_carry_their_units_and_power_of_ten():
    demand = parse(L.feed(*L.one_meter([L.hourly(JAN, 4, value=lambda i: 3)], uom=38, power=3)))
    assert demand.ok and {(r.unit, r.value) for r in demand.readings} == {("W", 3000.0)}
    ccf = parse(L.feed(*L.one_meter([L.hourly(JAN, 4, value=lambda i: 2)], kind="1", uom=119, power=2)))
    assert ccf.ok and {(r.unit, r.value) for r in ccf.readings} == {("ft3", 200.0)}


def test_billing_periods_and_local_days_keep_their_exact_lengths():
    days = L.local_days(datetime(2026, 3, 1, tzinfo=ZoneInfo("America/New_York")), 14)
    months = L.billing_months(2025, range(1, 13), "America/Chicago")  # a past year's: none ends after now
    result = parse(L.feed(*L.one_meter([days]), *L.one_meter([months], kind="1", uom=169, up_n=2)))
    assert result.ok, result.problems
    lengths = sorted({r.duration for r in result.readings})
    assert 82800 in lengths and 86400 in lengths  # the day the clocks went forward is 23 hours
    assert len([r for r in result.readings if r.unit == "therm"]) == 12


def test_whitespace_around_an_enumeration_is_not_an_unknown_service():
    result = parse(L.feed(*L.one_meter([L.hourly(JAN, 3)], kind=" 0 ")))
    assert result.ok, result.problems
    assert set(result.usage_points.values()) == {"electric"} and len(result.readings) == 3


def test_reading_quality_is_kept():
    up = f"{L.ROOT}/RetailCustomer/9/UsagePoint/1"
    mr = f"{up}/MeterReading/01"
    data = L.feed(
        *L.one_meter([])[:3],
        L.entry(
            L.interval_block(L.hourly(JAN, 3), quality=8), f"{mr}/IntervalBlock/1", f"{mr}/IntervalBlock"
        ),
    )
    result = parse(data)
    assert result.ok, result.problems
    assert {r.quality for r in result.readings} == {8}


def test_a_unit_custodian_cannot_hold_is_refused_by_name_and_counted():
    result = parse(L.feed(*L.one_meter([L.hourly(JAN, 6)], uom=63)))  # VAr: reactive power
    assert not result.ok and not result.readings
    assert result.readings_read == 6 and result.readings_refused == 6
    assert any("unit of measure '63'" in p.message for p in result.problems)


def test_a_wrong_namespace_is_one_clear_problem():
    data = L.feed(*L.one_meter([L.hourly(JAN, 24)])).replace(
        b"http://naesb.org/espi", b"http://naesb.org/espi/1_0"
    )
    result = parse(data)
    assert not result.complete and len(result.problems) == 1
    assert "not ESPI's" in result.problems[0].message
    not_atom = parse(b'<?xml version="1.0"?><feed xmlns="urn:other"><entry/></feed>')
    assert (
        not not_atom.complete and len(not_atom.problems) == 1 and "Atom feed" in not_atom.problems[0].message
    )


@pytest.mark.parametrize("bad, words", [("12x", "'12x'"), ("99999999999999999999", "99999999999999999999")])
def test_a_bad_value_names_the_element_and_costs_one_reading(bad, words):
    readings = L.hourly(JAN, 4)
    readings[1] = (readings[1][0], 3600, bad)
    result = parse(L.feed(*L.one_meter([readings])))
    assert len(result.readings) == 3 and result.readings_refused == 1
    assert any("value" in p.message and words in p.message and p.line for p in result.problems)


def _import(customer, field_tech, data: bytes):
    return usage_import(
        customer_id=customer.pk,
        result=parse(data),
        submission=Submission(channel="file_import", notice_key="metering", recorded_by_label="test"),
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )


def blocks_held(who, as_customer, span: tuple[int, int]) -> list:
    """The interval blocks of `who` in `span`, read through the gate as the customer."""
    return reveal_intervals(
        actor=as_customer(who), customer_id=who.pk, purpose="providing_services", start=span[0], end=span[1]
    )


def exported_points(customer, as_customer, span: tuple[int, int], **options) -> list:
    """The customer's usage points for an export of `span`, read through the gate as the customer."""
    return usage_points_for(
        actor=as_customer(customer),
        customer_id=customer.pk,
        purpose="providing_services",
        start=span[0],
        end=span[1],
        **options,
    )


def test_usage_points_flows_days_and_billing_periods_are_all_stored_and_a_re_import_replaces(
    customer, field_tech
):
    entries = []
    for n in (1, 2):
        entries += L.one_meter([L.hourly(JAN, 48, value=lambda i, n=n: n * 1000)], up_n=n)
    entries += L.one_meter([L.hourly(JAN, 48, value=lambda i: 400)], up_n=3, flow=19)
    days = L.local_days(datetime(2026, 3, 1, tzinfo=ZoneInfo("America/New_York")), 14)
    entries += L.one_meter([days], up_n=4)
    entries += L.one_meter(
        [L.billing_months(2026, range(1, 4), "America/Chicago")], kind="1", uom=169, up_n=5
    )
    data = L.feed(*entries)
    summary = _import(customer, field_tech, data)
    assert summary.all_stored, summary.problems
    assert summary.readings_read == summary.readings_stored == 48 * 3 + 14 + 3
    assert summary.series == ["electric", "electric#2", "electric#3_received", "electric#4", "gas"]
    span = (JAN - 86400 * 10, JAN + 86400 * 120)
    blocks = own_readings(customer, *span)
    assert sum(v for *_, v in series_readings(blocks, *span, "electric")) == pytest.approx(48)
    assert sum(v for *_, v in series_readings(blocks, *span, "electric#2")) == pytest.approx(96)
    assert sum(v for *_, v in series_readings(blocks, *span, "electric#3_received")) == pytest.approx(19.2)
    stored_days = series_readings(blocks, *span, "electric#4")
    assert [(s, d) for s, d, _ in stored_days] == [(s, d) for s, d, _ in days]
    assert [v for *_, v in series_readings(blocks, *span, "gas")] == [50, 51, 52]
    again = _import(customer, field_tech, data)
    assert again.all_stored and again.readings_replaced == again.readings_stored == summary.readings_stored
    blocks_again = own_readings(customer, *span)
    for key in summary.series:
        assert series_readings(blocks_again, *span, key) == series_readings(blocks, *span, key)


def test_what_is_not_stored_makes_the_command_fail_after_storing_the_rest(customer, field_tech, tmp_path):
    path = tmp_path / "mixed.xml"
    path.write_bytes(
        L.feed(*L.one_meter([L.hourly(JAN, 5)]), *L.one_meter([L.hourly(JAN, 6)], uom=63, up_n=2))
    )
    with pytest.raises(CommandError, match="6 of 11 readings were not stored"):
        green_button_command(str(path), customer)


def test_every_layout_round_trips_through_our_export(customer, other_customer, field_tech, as_customer):
    """Import, export (valid against the schema), re-import for another customer: the same series, the same
    readings, the same starts and lengths, the same quality codes."""

    entries = L.hourly_meters(((1, 72, 8), (19, 72, None), (1, 38, None)), JAN)
    entries += L.one_meter([L.hourly(JAN, 30, value=lambda i: 7)], up_n=2)
    entries += L.one_meter(
        [L.local_days(datetime(2026, 3, 1, tzinfo=ZoneInfo("America/Chicago")), 14)], up_n=3
    )
    months = L.billing_months(2026, range(1, 4), "America/Chicago")
    entries += L.one_meter([months], kind="1", uom=169, power=-3, up_n=4)
    entries += L.one_meter([L.hourly(JAN, 30, value=lambda i: 1234)], kind="2", uom=128, power=-3, up_n=5)
    first = _import(customer, field_tech, L.feed(*entries))
    assert first.all_stored, first.problems
    span = (JAN - 86400 * 30, JAN + 86400 * 100)

    def held(who):
        blocks = blocks_held(who, as_customer, span)
        return {b.service for b in blocks}, {key: series_readings(blocks, *span, key) for key in first.series}

    points = exported_points(customer, as_customer, span)
    feed = espi_feed(subject="c1", base_url="https://opu.example", usage_points=points)
    schema = etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))
    tree = etree.fromstring(feed)
    schema.assertValid(tree)
    espi = "{http://naesb.org/espi}"
    atom = "{http://www.w3.org/2005/Atom}"
    assert {e.text for e in tree.iter(f"{espi}flowDirection")} == {"1", "19"}
    assert {e.text for e in tree.iter(f"{espi}uom")} == {"72", "38", "169", "128"}
    assert {e.text for e in tree.iter(f"{espi}kind")} >= {"12", "37", "58"}  # energy, demand (power), volume
    # Each reading's codes: the file's own kept (first), and every reading marked as from a file (16).
    codes = [[q.text for q in r.iter(f"{espi}quality")] for r in tree.iter(f"{espi}IntervalReading")]
    assert codes.count(["8", "16"]) == 30 and all(c in (["8", "16"], ["16"]) for c in codes)
    # No MeterReading without a block: each one's IntervalBlock collection is some block's `up`.
    block_ups = {
        link.get("href")
        for link in tree.iter(f"{atom}link")
        if link.get("href").endswith("/IntervalBlock") and link.get("rel") == "up"
    }
    meter_readings = [
        e.find(f"{atom}link[@rel='self']").get("href")
        for e in tree.iter(f"{atom}entry")
        if e.find(f"{atom}content/{espi}MeterReading") is not None
    ]
    assert len(meter_readings) == 7 and all(f"{h}/IntervalBlock" in block_ups for h in meter_readings)
    again = _import(other_customer, field_tech, feed)
    assert again.all_stored, again.problems
    assert sorted(again.series) == sorted(first.series)
    services_first, readings_first = held(customer)
    services_again, readings_again = held(other_customer)
    # The download marked every reading as from a file (16), and the re-import keeps the codes it reads: a
    # quality series beside each grid series, and the codes of the readings off the grid beside each
    # `~periods` block.
    grid = {key for key in services_first if not key.endswith((PERIODS, QUALITY))}
    periods = {key for key in services_first if key.endswith(PERIODS)}
    assert services_again == services_first | {f"{key}{QUALITY}" for key in grid} | {
        f"{key}{QUALITY}" for key in periods
    }
    for key, readings in readings_first.items():
        assert [(s, d) for s, d, _ in readings_again[key]] == [(s, d) for s, d, _ in readings], key
        assert [v for *_, v in readings_again[key]] == pytest.approx([v for *_, v in readings]), key
