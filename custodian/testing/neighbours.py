"""A household's peer group for the neighbour comparison's tests: the household and made-up neighbours (homes,
not customers) of one type, heating fuel, ZIP code and size, each using a little more than the one before."""

import json

from custodian.usage.comparison import ComparisonData
from custodian.usage.services import store_group_aggregates

NEIGHBOUR_IDS = 900_000  # the first made-up neighbour's id


def premise(cid, fuel):
    return (cid, "residential", "single_family", fuel, "55060", 1500, False, False, False, "F01")


def group_stored(customer, app, *, electric: int, gas: int = 0, water: int = 0) -> None:
    """`electric` homes with electricity, the customer first, of which the first `gas` have gas and the first
    `water` water, each month of each service its use as the customer's bills have it times 1 + k / 50 (k:
    the home's place); their group's figures computed and stored."""
    series = json.loads(app.personal["meter_usage"])
    ids = [customer.pk] + [NEIGHBOUR_IDS + i for i in range(electric - 1)]

    def rows(service, homes):
        return [
            (cid, m["month"], float(m["total"]) * (1 + k / 50))
            for k, cid in enumerate(homes)
            for m in series[service]["months"]
        ]

    store_group_aggregates(
        ComparisonData(
            [premise(cid, app.heating_fuel) for cid in ids],
            rows("electric", ids),
            other_services={"gas": rows("gas", ids[:gas]), "water": rows("water", ids[:water])},
        )
    )
