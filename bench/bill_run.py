"""bill_run: the monthly bill run over N accounts × one cycle through the gate (usage, names and addresses
read as the billing job, one access event per customer; each bill sealed in the vault and charged on the
ledger; PDFs not included) vs a bare loop computing the same bills from the same plaintext usage in memory,
same run. Memory: the run's peak (tracemalloc) at N/4 and at N accounts, to show it stays flat.

Both sides are timed by the wall clock (the figures `ours` and `baseline`) and by the process's CPU time
(`time.process_time`: `ours_cpu`, `baseline_cpu`, `ratio_cpu`). On a machine shared with other work the wall
clock measures the scheduler as much as the code; the CPU time says what the run itself costs."""

import json
import os
import time
import tracemalloc

NAME = "bill_run"
UNIT = "bills/s"
TARGET = 0.3
DATABASES = ["sqlite", "postgresql"]
OURS = (
    "custodian.billing.services.bill_run: gate bulk reads as the billing job (an access event per customer), "
    "Decimal arithmetic from the tariff file, each bill sealed and charged, a chunk of 1,000 per transaction "
    "(accounts read a chunk at a time; bills, charges and sealed documents written with one executemany each)"
)
BASELINE = (
    "a loop over the same accounts computing the same bills (the same compute functions) from plaintext "
    "usage already in memory: no gate, no log, no sealing, no database"
)
ACCOUNTS = int(os.environ.get("BENCH_BILL_RUN_ACCOUNTS", "20000"))
CYCLE = "2026-10"


def _baseline(accounts, documents, services_by_premise) -> tuple[float, list]:
    from decimal import Decimal

    from custodian.billing.compute import bill_compute, billed_period
    from custodian.billing.reads import usage_for
    from custodian.billing.tariff import current_tariff

    tariff = current_tariff()
    start, cpu = time.perf_counter(), time.process_time()
    totals = []
    for a in accounts:
        document = json.loads(documents[a.customer_id] or "{}")
        usages = [
            usage_for(service=s, cycle=CYCLE, document=document, block=None)
            for s in services_by_premise[a.premise_id]
        ]
        computed = bill_compute(
            tariff,
            cycle=CYCLE,
            customer_class=a.customer.customer_class,
            heating_fuel=a.premise.heating_fuel,
            period=billed_period(CYCLE, a.opened_on, a.closed_on),
            usages=usages,
        )
        totals.append(sum((line.amount for line in computed.lines), Decimal("0.00")))
    return time.perf_counter() - start, time.process_time() - cpu, totals


def measure(db: str) -> dict:
    from datetime import date

    from custodian.billing.models import Bill
    from custodian.billing.services import accounts_to_bill, bill_run
    from custodian.customers.models import ServicePoint
    from custodian.demo.generator import application
    from custodian.demo.services import demo_customers_ensure

    today = date(2026, 11, 26)
    started = time.perf_counter()
    quarter = ACCOUNTS // 4
    demo_customers_ensure(count=quarter, seed=5, today=today)
    setup = time.perf_counter() - started

    # Memory at N/4: a run over the first quarter of the accounts, for an earlier month (bills are never
    # edited, and the measured month's previous one stays unbilled, so it has nothing to true up: the
    # earlier months are August and July) …
    tracemalloc.start()
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    _, peak_quarter = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    started = time.perf_counter()
    demo_customers_ensure(count=ACCOUNTS, seed=5, today=today)
    setup += time.perf_counter() - started

    # … and at N, for another earlier month. Memory is traced apart from the timed run: tracing every
    # allocation slows the traced code several times, and the baseline is not traced.
    tracemalloc.start()
    bill_run(cycle="2026-07", issued_on=date(2026, 8, 1))
    _, peak_full = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # The measured month at N, timed, untraced.
    start, cpu = time.perf_counter(), time.process_time()
    issued = bill_run(cycle=CYCLE, issued_on=date(2026, 11, 1))
    ours_t, ours_cpu = time.perf_counter() - start, time.process_time() - cpu

    # The baseline: the same accounts and the same usage, in plaintext, in memory (from the generator that
    # made them, so nothing is read through the gate for it).
    accounts = list(accounts_to_bill(CYCLE))
    services_by_premise: dict[int, list[str]] = {}
    for premise_id, service in ServicePoint.objects.values_list("premise_id", "service"):
        services_by_premise.setdefault(premise_id, []).append(service)
    for v in services_by_premise.values():
        v.sort()
    documents = {}
    by_number = {application(5, i, today).personal["account_number"]: i for i in range(ACCOUNTS)}
    from custodian.vault.gate import reveal_many, system_actor

    numbers = reveal_many(
        actor=system_actor("billing_run"),
        customer_ids=[a.customer_id for a in accounts],
        fields=["account_number"],
        purpose="billing",
    )
    for a in accounts:
        index = by_number[numbers[a.customer_id]["account_number"]]
        documents[a.customer_id] = application(5, index, today).personal["meter_usage"]
    base_t, base_cpu, totals = min(
        (_baseline(accounts, documents, services_by_premise) for _ in range(2)), key=lambda r: r[0]
    )
    ours_totals = dict(Bill.objects.filter(cycle=CYCLE, is_current=True).values_list("account_id", "total"))
    same = all(ours_totals[a.pk] == t for a, t in zip(accounts, totals, strict=True))
    return {
        "ours": issued / ours_t,
        "baseline": len(accounts) / base_t,
        "n": issued,
        "seconds_ours": round(ours_t, 1),
        "seconds_baseline": round(base_t, 2),
        "ours_cpu": round(issued / ours_cpu, 1),
        "baseline_cpu": round(len(accounts) / base_cpu, 1),
        "ratio_cpu": round((issued / ours_cpu) / (len(accounts) / base_cpu), 3),
        "cpu_seconds_ours": round(ours_cpu, 2),
        "cpu_seconds_baseline": round(base_cpu, 3),
        "same_totals": same,
        "peak_memory_mb_at_quarter": round(peak_quarter / 2**20, 1),
        "peak_memory_mb_at_full": round(peak_full / 2**20, 1),
        "memory_growth_full_over_quarter": round(peak_full / max(peak_quarter, 1), 2),
        "seconds_setting_up": round(setup, 1),
    }
