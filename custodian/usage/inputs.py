"""Comparison inputs from the application: premise attributes (not personal) and each eligible customer's
monthly electric use, read in bulk through the gate as the `comparison_reports` job."""

import json
from collections.abc import Callable

from custodian.customers.models import Premise, Service
from custodian.vault.gate import reveal_many, system_actor

CHUNK = 2000


def comparison_inputs(progress: Callable[[int], None] | None = None) -> tuple[list[tuple], list[tuple]]:
    premises = []
    electric_customers = set(
        Premise.objects.filter(service_points__service=Service.ELECTRIC).values_list("customer_id", flat=True)
    )
    for p in Premise.objects.select_related("customer").order_by("customer_id"):
        if p.customer_id in electric_customers:
            premises.append(
                (
                    p.customer_id,
                    p.customer.customer_class,
                    p.premise_type,
                    p.heating_fuel,
                    p.zip_code,
                    p.size_sqft,
                    p.is_vacant,
                    p.on_assistance_rate,
                    p.self_generation,
                )
            )
    eligible = [row[0] for row in premises if row[1] == "residential" and not (row[6] or row[7] or row[8])]
    usage = []
    for start in range(0, len(eligible), CHUNK):
        part = eligible[start : start + CHUNK]
        values = reveal_many(
            actor=system_actor("comparison_reports"),
            customer_ids=part,
            fields=["meter_usage"],
            purpose="providing_services",
            action="comparison_reports",
        )
        for cid in part:
            series = json.loads(values[cid].get("meter_usage") or "{}").get("electric", {})
            usage += [(cid, m["month"], float(m["total"])) for m in series.get("months", [])]
        if progress:
            progress(len(part))
    return premises, usage
