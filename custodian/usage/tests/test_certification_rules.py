"""The Green Button Alliance's published data-validator rules for Download My Data, one check each, against
an export holding every function block Custodian writes: electricity forward, net, reverse and demand with
reading quality, a second electricity meter, gas metered in CCF, water in gallons, and a bill's summary.
Each check names the validator's rule numbers (D0xx) it stands for; docs/greenbutton.md lists them."""

from collections import Counter
from decimal import Decimal

import pytest
from lxml import etree

from custodian.billing.usage_summary import summaries_attach
from custodian.testing import espi_layouts as L
from custodian.testing import project_file
from custodian.usage.greenbutton_export import espi_feed
from custodian.usage.greenbutton_summary import ChargeExport, UsageSummaryExport
from custodian.usage.tests.test_greenbutton_layouts import JAN, _import, exported_points

A = "{http://www.w3.org/2005/Atom}"
E = "{http://naesb.org/espi}"
SPAN = (JAN - 86400, JAN + 86400 * 3)


def _rich_file() -> bytes:
    entries = L.hourly_meters(((1, 72, 8), (4, 72, None), (19, 72, None), (1, 38, None)), JAN)
    entries += L.one_meter([L.hourly(JAN, 30, value=lambda i: 7)], up_n=2)
    entries += L.one_meter([L.hourly(JAN, 30, value=lambda i: 2)], kind="1", uom=119, power=2, up_n=3)
    entries += L.one_meter([L.hourly(JAN, 30, value=lambda i: 1234)], kind="2", uom=128, power=-3, up_n=4)
    return L.feed(*entries)


def rich_feed(customer, field_tech, as_customer):
    assert _import(customer, field_tech, _rich_file()).all_stored
    points = exported_points(customer, as_customer, SPAN)
    bill = UsageSummaryExport(
        start=JAN - 4 * 86400,
        duration=31 * 86400,
        issued=JAN + 27 * 86400,
        unit="Wh",
        consumption=812_000.0,
        bill=Decimal("98.76"),
        additional=[
            ChargeExport("Customer charge", Decimal("12.00"), 2),
            ChargeExport("Sales tax", Decimal("5.10"), 5),
        ],
    )
    points = summaries_attach(points, {"electric": [bill]})
    body = espi_feed(subject=str(customer.pk), base_url="https://opu.example", usage_points=points)
    tree = etree.fromstring(body)
    etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd")))).assertValid(tree)
    return tree


def entries(tree, resource: str) -> list:
    return [e for e in tree.iter(f"{A}entry") if e.find(f"{A}content/{E}{resource}") is not None]


def link(entry, rel: str) -> str | None:
    found = entry.find(f"{A}link[@rel='{rel}']")
    return found.get("href") if found is not None else None


def related(entry) -> list[str]:
    return [x.get("href") for x in entry.findall(f"{A}link[@rel='related']")]


def atom_parts_present(entry) -> bool:
    """id, self and up links, title, published and updated: asked of every resource's entry."""
    return all(
        entry.find(f"{A}{tag}") is not None for tag in ("id", "title", "published", "updated")
    ) and bool(link(entry, "self") and link(entry, "up"))


def selfs_unique(found) -> bool:
    return all(n == 1 for n in Counter(link(e, "self") for e in found).values())


def reading_type(entry) -> dict[str, str]:
    rt = entry.find(f"{A}content/{E}ReadingType")
    return {child.tag.removeprefix(E): (child.text or "").strip() for child in rt}


def reading_types_of_service(tree, kind: int) -> list[dict]:
    """The ReadingTypes of the MeterReadings under UsagePoints of a ServiceCategory kind."""
    points = {
        link(e, "self")
        for e in entries(tree, "UsagePoint")
        if e.findtext(f"{A}content/{E}UsagePoint/{E}ServiceCategory/{E}kind") == str(kind)
    }
    types = {link(e, "self"): reading_type(e) for e in entries(tree, "ReadingType")}
    return [
        types[href]
        for mr in entries(tree, "MeterReading")
        if link(mr, "up").removesuffix("/MeterReading") in points
        for href in related(mr)
        if href in types
    ]


def has_type(tree, **wanted) -> bool:
    return any(
        all(rt.get(k) == str(v) for k, v in wanted.items())
        for rt in map(reading_type, entries(tree, "ReadingType"))
    )


# FB 1, common data


def rule_d001_d003_the_feed_has_its_id_title_and_updated(feed):
    assert all(feed.find(f"{A}{tag}") is not None for tag in ("id", "title", "updated"))


def rule_d004_entry_ids_are_unique(feed):
    ids = [e.findtext(f"{A}id") for e in feed.iter(f"{A}entry")]
    assert len(ids) == len(set(ids))


def rule_d135_d143_local_time_parameters_complete_unique_and_used(feed):
    found = entries(feed, "LocalTimeParameters")
    assert found and all(atom_parts_present(e) for e in found) and selfs_unique(found)
    used = {href for p in entries(feed, "UsagePoint") for href in related(p)}
    assert all(link(e, "self") in used for e in found)


def rule_d006_d016_usage_points_complete_unique_with_exactly_one_local_time(feed):
    points = entries(feed, "UsagePoint")
    local_times = {link(e, "self") for e in entries(feed, "LocalTimeParameters")}
    assert len(points) == 4 and selfs_unique(points)  # FB 18: every usage point its own, none merged
    for point in points:
        assert atom_parts_present(point) and related(point)
        assert point.findtext(f"{A}content/{E}UsagePoint/{E}ServiceCategory/{E}kind") in {"0", "1", "2"}
        assert sum(href in local_times for href in related(point)) == 1  # D007


# FB 4, interval metering


def rule_d027_d032_d049_meter_readings_blocks_and_reading_types_are_present(feed):
    assert entries(feed, "MeterReading") and entries(feed, "IntervalBlock") and entries(feed, "ReadingType")


def rule_d031_d046_interval_blocks_complete_and_starting_at_their_first_reading(feed):
    blocks = entries(feed, "IntervalBlock")
    assert selfs_unique(blocks)
    collections = Counter(href for mr in entries(feed, "MeterReading") for href in related(mr))
    for entry in blocks:
        assert atom_parts_present(entry) and entry.findtext(f"{A}title")
        block = entry.find(f"{A}content/{E}IntervalBlock")
        assert block.findtext(f"{E}interval/{E}duration") and block.findtext(f"{E}interval/{E}start")
        readings = block.findall(f"{E}IntervalReading")
        assert readings[0].findtext(f"{E}timePeriod/{E}start") == block.findtext(
            f"{E}interval/{E}start"
        )  # D042
        assert all(
            r.findtext(f"{E}timePeriod/{E}duration")
            and r.findtext(f"{E}timePeriod/{E}start")
            and r.findtext(f"{E}value")
            for r in readings
        )
        assert collections[link(entry, "up")] == 1  # D037: one MeterReading's blocks


def rule_d018_d030_d145_d146_meter_readings_complete_never_empty_one_reading_type(feed):
    readings = entries(feed, "MeterReading")
    types = {link(e, "self") for e in entries(feed, "ReadingType")}
    point_collections = Counter(href for p in entries(feed, "UsagePoint") for href in related(p))
    assert selfs_unique(readings)
    for mr in readings:
        assert atom_parts_present(mr)
        blocks = [b for b in entries(feed, "IntervalBlock") if link(b, "up") in related(mr)]
        assert blocks  # D025: no MeterReading without readings
        block_starts = [b.findtext(f"{A}content/{E}IntervalBlock/{E}interval/{E}start") for b in blocks]
        starts = [
            s.text for b in blocks for s in b.iter(f"{E}start") if s.getparent().tag == f"{E}timePeriod"
        ]
        assert len(block_starts) == len(set(block_starts)) and len(starts) == len(set(starts))  # D146, D145
        assert sum(href in types for href in related(mr)) == 1  # D024
        assert point_collections[link(mr, "up")] == 1  # D023


def rule_d048_d070_reading_types_complete_used_and_delta_data_has_blocks(feed):
    types = entries(feed, "ReadingType")
    used = {href for mr in entries(feed, "MeterReading") for href in related(mr)}
    assert selfs_unique(types)
    for entry in types:
        fields = reading_type(entry)
        assert atom_parts_present(entry) and link(entry, "self") in used  # D054
        assert all(fields.get(name) for name in ("intervalLength", "kind", "powerOfTenMultiplier", "uom"))


# FB 5, 6, 7, 8, 10, 11: the kinds and units of each series


def rule_d078_d064_electricity_in_wh_and_every_reading_type_has_its_phase(feed):
    assert has_type(feed, accumulationBehaviour=4, commodity=1, flowDirection=1, kind=12, uom=72)
    phases = {(rt["commodity"], rt.get("phase")) for rt in map(reading_type, entries(feed, "ReadingType"))}
    assert phases == {("1", "769"), ("7", "0"), ("9", "0")}


def rule_d071_demand_in_w_as_instantaneous_power(feed):
    assert has_type(feed, accumulationBehaviour=12, commodity=1, flowDirection=1, kind=37, uom=38)


def rule_d074_net_flow_in_wh(feed):
    assert has_type(feed, accumulationBehaviour=1, commodity=1, flowDirection=4, kind=12, uom=72)


def rule_d076_reverse_flow_in_wh(feed):
    assert has_type(feed, accumulationBehaviour=4, commodity=1, flowDirection=19, kind=12, uom=72)


def rule_d079_gas_in_therms_or_by_volume_under_a_gas_usage_point(feed):
    gas = reading_types_of_service(feed, 1)
    assert gas and all(
        rt["accumulationBehaviour"] == "4" and rt["commodity"] == "7" and rt["flowDirection"] == "1"
        for rt in gas
    )
    assert all(
        (rt["kind"] == "12" and rt["uom"] in {"31", "132", "169"})
        or (rt["kind"] == "58" and rt["uom"] in {"42", "119"})
        for rt in gas
    )


def rule_d080_water_by_volume_under_a_water_usage_point(feed):
    water = reading_types_of_service(feed, 2)
    assert water and all(
        (rt["accumulationBehaviour"], rt["commodity"], rt["flowDirection"], rt["kind"])
        == ("4", "9", "1", "58")
        and rt["uom"] in {"128", "119", "42"}
        for rt in water
    )


# FB 15 and 16: the bills' summaries


def rule_d081_d102_usage_summaries_complete_and_under_one_usage_point(feed):
    summaries = entries(feed, "UsageSummary")
    point_collections = Counter(href for p in entries(feed, "UsagePoint") for href in related(p))
    assert summaries and selfs_unique(summaries)
    for entry in summaries:
        assert atom_parts_present(entry)
        summary = entry.find(f"{A}content/{E}UsageSummary")
        for path in ("billingPeriod/duration", "billingPeriod/start", "qualityOfReading", "statusTimeStamp"):
            assert summary.findtext("/".join(f"{E}{p}" for p in path.split("/"))), path
        assert summary.find(f"{E}overallConsumptionLastPeriod") is not None
        assert point_collections[link(entry, "up")] == 1  # D088


def rule_d091_d093_d094_usage_summaries_carry_the_bill_in_a_currency(feed):
    for entry in entries(feed, "UsageSummary"):
        summary = entry.find(f"{A}content/{E}UsageSummary")
        assert summary.findtext(f"{E}billLastPeriod") == "9876000"
        assert summary.findtext(f"{E}costAdditionalLastPeriod") == "1710000"
        assert summary.findtext(f"{E}currency") == "840"


# ReadingQuality: kept where the file gave it (the validator's optional D047 asks it of every reading), first;
# and every reading from a file (as here: nothing the meter read) marked 16 ("other", said in words).


def rule_d047_reading_quality_as_imported(feed):
    codes = [[q.text for q in r.iter(f"{E}quality")] for r in feed.iter(f"{E}IntervalReading")]
    assert codes.count(["8", "16"]) == 30 and all(c in (["8", "16"], ["16"]) for c in codes)


RULES = [
    rule_d001_d003_the_feed_has_its_id_title_and_updated,
    rule_d004_entry_ids_are_unique,
    rule_d135_d143_local_time_parameters_complete_unique_and_used,
    rule_d006_d016_usage_points_complete_unique_with_exactly_one_local_time,
    rule_d027_d032_d049_meter_readings_blocks_and_reading_types_are_present,
    rule_d031_d046_interval_blocks_complete_and_starting_at_their_first_reading,
    rule_d018_d030_d145_d146_meter_readings_complete_never_empty_one_reading_type,
    rule_d048_d070_reading_types_complete_used_and_delta_data_has_blocks,
    rule_d078_d064_electricity_in_wh_and_every_reading_type_has_its_phase,
    rule_d071_demand_in_w_as_instantaneous_power,
    rule_d074_net_flow_in_wh,
    rule_d076_reverse_flow_in_wh,
    rule_d079_gas_in_therms_or_by_volume_under_a_gas_usage_point,
    rule_d080_water_by_volume_under_a_water_usage_point,
    rule_d081_d102_usage_summaries_complete_and_under_one_usage_point,
    rule_d091_d093_d094_usage_summaries_carry_the_bill_in_a_currency,
    rule_d047_reading_quality_as_imported,
]


def test_every_published_rule_holds_for_an_export_of_every_function_block(customer, field_tech, as_customer):
    """One export, every rule: each failing rule is named with what it found."""
    feed = rich_feed(customer, field_tech, as_customer)
    failed = []
    for rule in RULES:
        try:
            rule(feed)
        except AssertionError as broken:
            failed.append(f"{rule.__name__}: {broken}")
    assert not failed, "\n".join(failed)


def test_the_checks_catch_an_empty_meter_reading_and_a_missing_phase(customer, field_tech, as_customer):
    """The rules are not vacuous: a MeterReading whose blocks are gone and a ReadingType without its phase
    are each found."""
    feed = rich_feed(customer, field_tech, as_customer)
    first = entries(feed, "MeterReading")[0]
    for block in [b for b in entries(feed, "IntervalBlock") if link(b, "up") in related(first)]:
        feed.remove(block)
    phase = entries(feed, "ReadingType")[0].find(f"{A}content/{E}ReadingType/{E}phase")
    phase.getparent().remove(phase)
    for rule in (
        rule_d018_d030_d145_d146_meter_readings_complete_never_empty_one_reading_type,
        rule_d078_d064_electricity_in_wh_and_every_reading_type_has_its_phase,
    ):
        with pytest.raises(AssertionError):
            rule(feed)
