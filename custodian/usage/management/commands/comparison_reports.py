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

    def handle(self, *args, engine, **options):
        started = time.perf_counter()
        with tqdm(unit="customer", desc="reading usage through the gate") as bar:
            premises, usage = comparison_inputs(progress=bar.update)
        rows = run(premises, usage, engine=engine)
        stored = store_group_aggregates(premises, usage)
        shown = {r.customer_id for r in rows}
        months = sorted({r.month for r in rows})
        suppressed = len({c for c, *_ in usage}) - len(shown)
        self.stdout.write(
            f"{len(rows)} monthly comparisons for {len(shown)} homes over {len(months)} months "
            f"({suppressed} eligible homes in groups too small or dominated by one home); "
            f"{stored} peer-group months stored for the portal; "
            f"{time.perf_counter() - started:.1f}s"
        )
