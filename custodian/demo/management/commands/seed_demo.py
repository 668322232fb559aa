import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from custodian.audit.heads import head_sign
from custodian.customers.choices import Service
from custodian.demo.billing import demo_billing_ensure, demo_cycles
from custodian.demo.development import refuse_outside_development
from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS
from custodian.demo.services import (
    demo_customers_ensure,
    demo_intervals_ensure,
    demo_portal_sign_in_ensure,
    demo_requests_ensure,
    demo_similar_homes_ensure,
    demo_staff_ensure,
    demo_vendors_ensure,
)
from custodian.demo.web_visits import demo_web_visits_ensure
from custodian.plurals import counted
from custodian.transparency.services import policy_archive
from custodian.usage.comparison import compute
from custodian.usage.inputs import comparison_inputs
from custodian.usage.services import store_group_aggregates


class Command(BaseCommand):
    help = "Build the synthetic demo utility: staff personas and N customers (deterministic, re-runnable)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument(
            "--interval",
            type=int,
            choices=[15, 60],
            default=60,
            help="minutes between interval readings: 60 (hourly, the default) or 15",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, customers, seed, batch, interval, no_progress, **options):
        refuse_outside_development("seed_demo")
        if customers < 0 or batch < 1:
            raise CommandError("--customers must be >= 0 and --batch >= 1")
        started = time.perf_counter()
        staff = demo_staff_ensure()
        with tqdm(total=customers, unit="customer", desc="demo customers", disable=no_progress) as bar:
            created = demo_customers_ensure(count=customers, seed=seed, batch=batch, progress=bar.update)
        # A small demo's portal customer still has homes like theirs to be compared with.
        similar = demo_similar_homes_ensure(count=customers, seed=seed)
        indexes = [*range(customers), *similar]
        desc = f"{interval}-minute meter readings"
        with tqdm(total=len(indexes), unit="customer", desc=desc, disable=no_progress) as bar:
            blocks = demo_intervals_ensure(
                count=customers,
                seed=seed,
                batch=batch,
                progress=bar.update,
                interval=interval,
                services=tuple(Service.values),
                indexes=indexes,
            )
        with tqdm(unit="customer", desc="neighbour comparisons", disable=no_progress) as bar:
            data = comparison_inputs(progress=bar.update)
        _, groups, members = compute(data, engine="duckdb")
        shown = store_group_aggregates(data, (groups, members))
        requests = demo_requests_ensure(seed=seed)
        demo_vendors_ensure()
        cycles = len(demo_cycles(timezone.localdate()))
        with tqdm(total=cycles, unit="cycle", desc="bills and payments", disable=no_progress) as bar:
            billing = demo_billing_ensure(count=customers, seed=seed, progress=bar.update)
        signs_in = demo_portal_sign_in_ensure(seed=seed)

        visits = demo_web_visits_ensure(seed=seed)
        policy_archive()  # the policy in force, archived as the first version (once)
        # The demo's access log signed and published at once, as the hourly job would: /transparency/ and its
        # checkpoint have a head to check from the start (`welcome` says so).
        head = head_sign()
        self.stdout.write(
            f"demo utility ready: {len(staff)} staff created, {counted(created, 'customer')} created "
            f"({customers - created} already present), {len(similar)} similar homes beside them, {blocks} "
            f"customer-months of {interval}-minute "
            f"readings stored, "
            f"{counted(shown, 'peer-group month')} shown, {counted(requests, 'demo request')} opened, "
            f"{counted(billing['bills'], 'bill')} "
            f"issued, {counted(billing['payments'], 'payment')} and "
            f"{counted(billing['late_fees'], 'late fee')} posted, "
            f"{billing['letters']} past-due letters written, {visits} website page views added "
            f"in {time.perf_counter() - started:.1f}s"
        )
        if head is not None:
            self.stdout.write(
                f"The access log's head #{head.pk} is signed ({counted(head.tree_size, 'event')}) and "
                "published at /transparency/checkpoint."
            )
        self.stdout.write(
            f"Staff sign in at /staff/ as {', '.join(p.username for p in STAFF_PERSONAS)} with the password "
            f"{DEMO_PASSWORD!r},\nthen the code printed by `manage.py demo_otp USERNAME`."
        )
        if signs_in:
            self.stdout.write(
                f"A demo customer signs in at /portal/sign-in/ as {signs_in} with the same password."
            )
