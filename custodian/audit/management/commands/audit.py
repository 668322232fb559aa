import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from custodian.audit.heads import LogTampered, PublishConflict, head_mail, head_sign, log_origin, publish_to
from custodian.audit.log_key import log_key_rotate
from custodian.audit.seals import forget_key
from custodian.audit.tree import integrate
from custodian.audit.verify import verify_log
from custodian.plurals import counted


class Command(BaseCommand):
    help = (
        "Access log: `verify [--against FILE_OR_DIR]` checks the events, the tree and every signed head "
        "(prints OK or each break with its position); `sign` integrates queued events and signs the tree's "
        "head (safe to run often, from several processes: the scheduler runs it); `publish --to DIR "
        "[--mail]` writes every signed head and the tree's tiles to a directory an auditor mirrors; "
        "`integrate` only integrates; `rotate-key` starts a new log key (old heads still verify)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "sign", "publish", "integrate", "rotate-key"])
        parser.add_argument("--against", type=Path, help="verify: a published directory or checkpoint file")
        parser.add_argument("--to", type=Path, help="publish: the directory to write")
        parser.add_argument("--mail", action="store_true", help="publish: mail the latest head")
        parser.add_argument("--force", action="store_true", help="sign: sign even if nothing changed")

    def handle(self, *args, action, **opts):
        if action == "integrate":
            self.stdout.write(f"integrated {counted(integrate(), 'event')}")
        elif action == "sign":
            self._sign(opts["force"])
        elif action == "rotate-key":
            key = log_key_rotate(log_origin())
            forget_key()  # this process seals with the new key from now on
            self.stdout.write(f"new log key {key.text}")
            self._sign(True)
        elif action == "publish":
            if not opts["to"]:
                raise CommandError("publish needs --to DIR")
            self._sign(False)
            try:
                result = publish_to(opts["to"])
            except PublishConflict as exc:
                raise CommandError(f"refusing to overwrite a published file: {exc}") from None
            self.stdout.write(
                f"published to {opts['to']}: {result.heads_written} new heads, "
                f"{result.tiles_written} new tiles"
            )
            if opts["mail"] and result.latest is not None:
                sent = head_mail(result.latest)
                self.stdout.write(f"mailed the latest head: {counted(len(sent), 'message')} (see the outbox)")
        else:
            started = time.perf_counter()
            result = verify_log(opts["against"])
            elapsed = time.perf_counter() - started
            if result.ok:
                self.stdout.write(f"{result} ({elapsed:.2f}s)")
            else:
                self.stderr.write(str(result))
                sys.exit(1)

    def _sign(self, force: bool) -> None:
        try:
            head = head_sign(force=force)
        except LogTampered as exc:
            raise CommandError(f"not signed: {exc}") from None
        if head is None:
            self.stdout.write("log is empty: nothing to sign")
        else:
            self.stdout.write(f"signed head #{head.pk}: {counted(head.tree_size, 'event')}, root {head.root}")
