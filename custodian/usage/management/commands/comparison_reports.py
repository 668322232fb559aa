import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from custodian.usage.comparison import run
from custodian.usage.inputs import comparison_inputs
from custodian.usage.services import store_group_aggregates


class Command(BaseCommand):
    help = "Compute neighbour comparisons for every eligible home (DuckDB by default, or --engine spark)."

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["duckdb", "spark"], default=None)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, engine, no_progress, **options):
        started = time.perf_counter()
        with tqdm(unit="customer", desc="reading usage through the gate", disable=no_progress) as bar:
            data = comparison_inputs(progress=bar.update)
        read = time.perf_counter() - started
        rows = run(data.premises, data.monthly, engine=engine, hourly=data.hourly)
        stored = store_group_aggregates(data)
        shown = {r.customer_id for r in rows}
        months = sorted({r.month for r in rows})
        eligible = {c for c, *_ in data.monthly} | set(
            data.hourly_table().column("customer_id").unique().to_pylist()
        )
        groups = len({r.peer_group for r in rows})
        self.stdout.write(
            f"{len(rows)} monthly comparisons for {len(shown)} homes in {groups} peer groups over "
            f"{len(months)} months ({len(eligible - shown)} eligible homes in groups too small or dominated "
            f"by one home); {stored} peer-group months stored for the portal; {data.hourly_table().num_rows} "
            f"hourly readings; read in {read:.1f}s, {time.perf_counter() - started:.1f}s in all"
        )
