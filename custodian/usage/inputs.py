"""Comparison inputs from the application: premise attributes (not personal) and each eligible customer's
electricity, read in bulk through the gate as the `comparison_reports` job: hourly readings from the
interval store where it has them (summed per local month), billing-cycle totals otherwise; and their gas
and water by the bills' totals (on the DuckDB engine; the Spark engine compares electricity)."""

import json
from collections.abc import Callable

from custodian.audit.actions import Action
from custodian.customers.choices import CustomerClass, Service
from custodian.customers.selectors import open_accounts
from custodian.usage.comparison import ComparisonData, spark_session
from custodian.usage.services import default_period
from custodian.vault.gate import TotalsAsk, month_totals_many, month_totals_on_spark, system_actor
from custodian.vault.interval_files import months_between


def _premises() -> tuple[list[tuple], list[int]]:
    """Every electric customer's premise attributes (PREMISE_COLUMNS), and the eligible homes among them."""
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
    eligible = [
        row[0] for row in premises if row[1] == CustomerClass.RESIDENTIAL and not (row[6] or row[7] or row[8])
    ]
    return premises, eligible


# The services compared besides electricity, by their billing-cycle totals (therms, gallons).
OTHER_SERVICES = ("gas", "water")


def _bills(cid: int, values: dict[str, str], service: str = "electric") -> list[tuple]:
    series = json.loads(values.get("meter_usage") or "{}").get(service, {})
    return [(cid, m["month"], float(m["total"])) for m in series.get("months", [])]


def _comparison_ask(eligible: list[int], started_by) -> TotalsAsk:
    """The run's one read through the gate, whichever engine opens the blocks: as the `comparison_reports`
    job (on behalf of `started_by`, the staff member who started the run; None for a scheduled run or the
    demo), the eligible homes' electricity of the comparison's months and their bills (`meter_usage`), which
    stand in for readings a home lacks."""
    return TotalsAsk(
        actor=system_actor("comparison_reports", on_behalf_of=started_by),
        customer_ids=eligible,
        purpose="providing_services",
        months=months_between(*default_period()),
        service="electric",
        fields=["meter_usage"],
        action=Action.COMPARISON_REPORTS,
    )


def comparison_inputs(
    progress: Callable[[int], None] | None = None,
    *,
    started_by=None,
    progress_total: Callable[[int], None] | None = None,
) -> ComparisonData:
    """Every eligible home's premise attributes and electricity. `started_by`: the staff member who started
    the run (named on its access events; None for a scheduled run or the demo). Progress counts the eligible
    homes read: `progress_total(n)` once, then `progress(k)` a part at a time."""

    premises, eligible = _premises()
    if progress_total:
        progress_total(len(eligible))
    monthly, monthly_use, readings = [], [], 0
    others: dict[str, list[tuple]] = {service: [] for service in OTHER_SERVICES}
    # One decision and one access event per customer for the bills and the interval readings together;
    # the blocks are opened and summed on every core (a block is one local month: its total is the month's).
    # Every home's bills are opened: they stand in for electricity readings a home lacks, and they are
    # what gas and water are compared by.
    for part in month_totals_many(ask=_comparison_ask(eligible, started_by)):
        metered = {cid for cid, *_ in part.totals}
        bills = [b for cid in part.customer_ids for b in _bills(cid, part.values.get(cid, {}))]
        # Interval readings where a home has them, its bills otherwise (the pipeline's USAGE_SOURCE).
        monthly_use += [(cid, month, total) for cid, month, total, _ in part.totals]
        monthly_use += [b for b in bills if b[0] not in metered]
        readings += sum(n for *_, n in part.totals)
        monthly += [b for b in bills if b[0] not in metered]
        for service, rows in others.items():
            rows += [b for cid in part.customer_ids for b in _bills(cid, part.values.get(cid, {}), service)]
        if progress:
            progress(len(part.customer_ids))
    return ComparisonData(
        premises, monthly, monthly_use=monthly_use, interval_readings=readings, other_services=others
    )


def comparison_inputs_on_spark(
    spark,
    progress: Callable[[int], None] | None = None,
    *,
    started_by=None,
    progress_total: Callable[[int], None] | None = None,
) -> ComparisonData:
    """comparison_inputs for the Spark engine: the same decision and access events, the interval blocks
    opened and summed on the executors of `spark` (their monthly totals stay there, a Spark DataFrame),
    bills opened here for the homes without readings."""
    premises, eligible = _premises()
    if progress_total:
        progress_total(len(eligible))
    # The bills are opened only for the homes without readings: theirs stand in.
    job = month_totals_on_spark(spark=spark, ask=_comparison_ask(eligible, started_by))
    if progress:
        progress(len(eligible))
    bills = [b for cid, values in job.values.items() for b in _bills(cid, values)]
    return ComparisonData(
        premises,
        bills,
        usage_frame=job.frame.select("customer_id", "month", "kwh"),
        metered=frozenset(job.metered),
        interval_readings=job.readings,
    )


def comparison_inputs_for(
    engine: str,
    progress: Callable[[int], None] | None = None,
    *,
    started_by=None,
    progress_total: Callable[[int], None] | None = None,
) -> ComparisonData:
    """The inputs for `engine`: on Spark, opened on its executors; on DuckDB, in this machine's processes."""
    if engine == "spark":
        return comparison_inputs_on_spark(
            spark_session(), progress, started_by=started_by, progress_total=progress_total
        )
    return comparison_inputs(progress, started_by=started_by, progress_total=progress_total)
