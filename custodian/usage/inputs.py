"""Comparison inputs from the application: premise attributes (not personal) and each eligible customer's
electricity, read in bulk through the gate as the `comparison_reports` job: hourly readings from the
interval store where it has them, billing-cycle totals otherwise."""

import json
from collections.abc import Callable

from custodian.audit.actions import Action
from custodian.customers.models import Service
from custodian.customers.selectors import open_accounts
from custodian.usage.comparison import ComparisonData, monthly_use_of
from custodian.usage.intervals import hourly_table
from custodian.usage.services import default_period
from custodian.vault.gate import reveal_intervals_many, reveal_many, system_actor
from custodian.vault.interval_files import months_between

CHUNK = 2000


def comparison_inputs(progress: Callable[[int], None] | None = None, *, started_by=None) -> ComparisonData:
    """Every eligible home's premise attributes and electricity. `started_by`: the staff member who started
    the run (named on its access events; None for a scheduled run or the demo)."""

    premises, seen = [], set()
    accounts = (
        open_accounts()
        .filter(premise__service_points__service=Service.ELECTRIC)
        .select_related("customer", "premise")
        .order_by("customer_id", "opened_on", "pk")
    )
    for a in accounts:
        p = a.premise
        if a.customer_id not in seen:  # a customer with service at two premises is compared at the first
            seen.add(a.customer_id)
            premises.append(
                (
                    a.customer_id,
                    a.customer.customer_class,
                    p.premise_type,
                    p.heating_fuel,
                    p.zip_code,
                    p.size_sqft,
                    p.is_vacant,
                    p.on_assistance_rate,
                    p.self_generation,
                    p.feeder,
                )
            )
    eligible = [row[0] for row in premises if row[1] == "residential" and not (row[6] or row[7] or row[8])]
    months = months_between(*default_period())
    actor = system_actor("comparison_reports", on_behalf_of=started_by)
    monthly, monthly_use, readings = [], [], 0
    for start in range(0, len(eligible), CHUNK):
        part = eligible[start : start + CHUNK]
        values = reveal_many(
            actor=actor,
            customer_ids=part,
            fields=["meter_usage"],
            purpose="providing_services",
            action=Action.COMPARISON_REPORTS,
        )
        bills = []
        for cid in part:
            series = json.loads(values[cid].get("meter_usage") or "{}").get("electric", {})
            bills += [(cid, m["month"], float(m["total"])) for m in series.get("months", [])]
        blocks = reveal_intervals_many(
            actor=actor,
            customer_ids=part,
            purpose="providing_services",
            months=months,
            services=["electric"],
            action=Action.COMPARISON_REPORTS,
        )
        hourly = hourly_table(blocks)
        readings += hourly.num_rows
        # The pipeline's first step, per chunk: a utility's hourly readings are never in memory at once.
        monthly_use += monthly_use_of(bills, hourly)
        monthly += bills
        if progress:
            progress(len(part))
    return ComparisonData(premises, monthly, monthly_use=monthly_use, hourly_readings=readings)
