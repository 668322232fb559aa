import sys
import time

from django.core.management.base import BaseCommand

from custodian.audit.chain import checkpoint_now, verify_chain


class Command(BaseCommand):
    help = "Access log: `verify` the hash chain (prints OK or the first break), or write a `checkpoint`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            cp = checkpoint_now()
            self.stdout.write(
                "log is empty: nothing to checkpoint" if cp is None else f"checkpoint at {cp.seq}: {cp.hash}"
            )
            return
        started = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - started
        if result.ok:
            self.stdout.write(f"{result} ({elapsed:.2f}s)")
        else:
            self.stderr.write(str(result))
            sys.exit(1)
