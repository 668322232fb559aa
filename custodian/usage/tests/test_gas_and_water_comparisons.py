"""Gas and water neighbour comparisons: the same peer groups as electricity (a home's group comes from its
premise), each service's months from its own bills in its billing unit, the same aggregation threshold (a
group is shown for a service only when at least 15 of its homes have it and none dominates), read in the
same bulk read as electricity (one access event per home)."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.demo.services import demo_customers_ensure, demo_intervals_ensure
from custodian.usage.comparison import ComparisonData, group_aggregates
from custodian.usage.inputs import comparison_inputs
from custodian.usage.models import PeerGroupMonth
from custodian.usage.services import comparison_reports, store_group_aggregates

HOMES = 20
MONTHS = ["2026-08", "2026-09", "2026-10"]


def premise(cid):
    return (cid, "residential", "single_family", "gas", "55060", 1500, False, False, False, "F01")


def _data(gas_homes: int, water_homes: int) -> ComparisonData:
    premises = [premise(1000 + i) for i in range(HOMES)]
    electric = [(1000 + i, m, 500.0 + i) for i in range(HOMES) for m in MONTHS]
    gas = [(1000 + i, m, 40.0 + i) for i in range(gas_homes) for m in MONTHS]
    water = [(1000 + i, m, 3000.0 + 10 * i) for i in range(water_homes) for m in MONTHS]
    return ComparisonData(premises, electric, other_services={"gas": gas, "water": water})


def test_gas_groups_are_the_electric_groups_in_therms_and_a_thin_service_is_not_shown(db):
    groups, members = group_aggregates(_data(gas_homes=HOMES, water_homes=10))
    assert {g[-1] for g in groups} == {"electric", "gas"}  # ten homes with water: below the threshold
    assert len({cid for cid, _ in members}) == HOMES
    store_group_aggregates(_data(gas_homes=HOMES, water_homes=10))
    gas = PeerGroupMonth.objects.get(service="gas", month="2026-10")
    electric = PeerGroupMonth.objects.get(service="electric", month="2026-10")
    assert gas.peer_group == electric.peer_group and gas.homes == HOMES
    assert gas.average_kwh == pytest.approx(40 + (HOMES - 1) / 2)
    assert not PeerGroupMonth.objects.filter(service="water").exists()


def test_a_report_carries_gas_and_water_beside_electricity_each_in_its_unit(db):
    store_group_aggregates(_data(gas_homes=HOMES, water_homes=HOMES))
    groups: dict[str, dict] = {}  # the one group's months (its homes are not customers here)
    for g in PeerGroupMonth.objects.all():
        groups.setdefault(g.service, {})[g.month] = g
    months = {
        "electric": dict.fromkeys(MONTHS, 500.0),
        "gas": dict.fromkeys(MONTHS, 80.0),
        "water": dict.fromkeys(MONTHS, 2000.0),
    }
    report = comparison_reports(months, groups)
    gas, water = report["services"]
    assert (gas["service"], str(gas["unit"]), gas["latest"]["band"]) == ("gas", "therms", "more")
    assert (water["service"], str(water["unit"]), water["latest"]["band"]) == (
        "water",
        "gallons",
        "efficient",
    )
    assert gas["costs"] is not None
    # Each service its own tips, as many as electricity's, from its bills (no readings here): gas in August,
    # with nothing to heat, is the water heater's; water, like electricity, peaks in the summer month.
    assert len(gas["tips"]) == len(water["tips"]) == len(report["tips"]) == 2
    assert "you still used about 80 therms a month" in gas["tips"][0]
    assert water["tips"][0].startswith("Your water use peaks in summer")


def test_the_bulk_read_brings_every_home_s_gas_and_water_bills_with_one_event_per_home(db):
    demo_customers_ensure(count=30, seed=5)
    demo_intervals_ensure(count=30, seed=5)
    before = AccessEvent.objects.count()
    data = comparison_inputs()
    eligible = {p[0] for p in data.premises if p[1] == "residential" and not (p[6] or p[7] or p[8])}
    assert AccessEvent.objects.count() - before == len(eligible)
    gas_homes = {cid for cid, *_ in data.other_services["gas"]}
    water_homes = {cid for cid, *_ in data.other_services["water"]}
    assert gas_homes and water_homes and gas_homes | water_homes <= eligible
    assert {cid for cid, *_ in data.monthly_use} == eligible  # electricity: readings, else bills
