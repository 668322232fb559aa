from datetime import date

from django.core.management.base import BaseCommand, CommandError

from custodian.dates import iso_day
from custodian.plurals import counted
from custodian.retention.erasure import erasure_later_finish
from custodian.retention.services import (
    RetentionError,
    citation_of,
    prunes_due,
    retention_due,
    retention_run,
)


def _day(text: str) -> date:
    try:
        return iso_day(text)
    except ValueError as wrong:
        raise CommandError(f"--as-of {wrong}") from None


class Command(BaseCommand):
    help = (
        "Destroy what the policy file's retention schedule says is past its period, writing a destruction "
        "record per schedule item (safe to re-run), and what an erasure request kept only until a day that "
        "has come; then prune the rows kept only while they can matter (spent authorization codes). "
        "--dry-run lists what is due, with counts, and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what is due; destroy nothing")
        parser.add_argument("--as-of", help="count periods back from this day (YYYY-MM-DD; default today)")

    def handle(self, *args, dry_run, as_of, **options):
        day = _day(as_of) if as_of else None
        if dry_run:
            for due in retention_due(as_of=day):
                self._line(due.item, due.cutoff, f"{due.count} {due.unit} due", due.details, due.note)
            for prune, count in prunes_due():
                self.stdout.write(f"{prune.key}: {count} due ({prune.label})")
            return
        try:
            result = retention_run(as_of=day, progress=lambda key: self.stderr.write(f"retention: {key}"))
        except RetentionError as exc:
            raise CommandError(str(exc)) from None
        notes = {d.item.key: d.note for d in result.due}
        done = {r.schedule_item for r in result.records}
        for record in result.records:
            self._line_record(record)
        for due in result.due:
            if due.item.key not in done:
                self.stdout.write(
                    f"{due.item.key}: nothing destroyed ({notes[due.item.key] or 'nothing to do'})"
                )
        for prune, count in result.pruned:
            self.stdout.write(f"{prune.key}: {count} pruned ({prune.label})")
        later = erasure_later_finish(as_of=result.run.as_of)
        self.stdout.write(f"erasure requests: {counted(later, 'value')} kept until a day now past deleted")
        self.stdout.write(f"retention run {result.run.pk} done")

    def _line(self, item, cutoff, what, details, note):
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in details.items())
        self.stdout.write(
            f"{item.key}: {what} (older than {cutoff:%Y-%m-%d}, {item.period_text})"
            + (f"; {extra}" if extra else "")
            + (f"; {note}" if note else "")
            + f"\n    under {citation_of(item)}"
        )

    def _line_record(self, record):
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in record.details.items())
        self.stdout.write(
            f"{record.schedule_item}: destroyed {record.count} ({record.method}); {extra}\n"
            f"    under {record.citation}"
        )
