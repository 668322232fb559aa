"""A file of register reads (a route's reads from the meter readers' handhelds, a contractor's water-meter
reads) imported at once: every row checked by the same rule as a read entered at the desk
(`register_reads.read_apply`), and **nothing stored unless every row passes**. A file with a bad row is
answered with every problem, each naming its row and column, and stores nothing: the file is fixed and
imported again, whole. Storing only the good rows would leave a meter's later reads checked against an
earlier read that was never stored, and a half-imported route that nobody can tell from a whole one.

Re-running a file is safe: a row that is already stored (the same meter, day and index) is counted as such
and changes nothing, so a file imported twice, or one that repeats yesterday's rows, stores each read once.

The file is CSV with a header: `meter,read_on,index` and, when a row needs them, `kind` (regular, rollover,
meter_change), `dials`, `old_meter_final`, `new_meter_start`. A row's account is the one holding the meter's
premise on the read's day (from the clear tables, nothing opened). The customers' usage documents are read
through the gate as the usage-import job on behalf of the member of staff who imports (one access event per
customer), and written back under the metering notice at collection (the provenance says a file of so many
reads, not the file's name, which may name someone).
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.billing.register_reads import (
    READS_JOB,
    Kind,
    Read,
    ReadError,
    _decimal,
    may_enter_reads,
    read_apply,
    reads_submission,
    usage_text,
)
from custodian.bounds import ascii_whole
from custodian.customers.models import Account, ServicePoint
from custodian.dates import iso_day
from custodian.plurals import counted
from custodian.vault.gate import reveal_many, system_actor
from custodian.vault.models import Channel
from custodian.vault.selectors import reads_held_for
from custodian.vault.services import personal_data_record_many

REQUIRED = ("meter", "read_on", "index")
OPTIONAL = ("kind", "dials", "old_meter_final", "new_meter_start")
MAX_BYTES = 5_000_000
MAX_ROWS = 50_000
KINDS = [k for k, _ in Kind.CHOICES]


class ImportFileError(ValueError):
    """The file as a whole can't be read (not CSV, no header, a missing or unknown column, too big)."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line of the file, the header being line 1
    column: str  # the column at fault, or "" for the row as a whole
    message: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", {self.column}" if self.column else "") + f": {self.message}"


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    stored: int = 0
    already_stored: int = 0
    customers: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return (
                f"{self.file_name}: nothing stored; {counted(len(self.problems), 'problem')} in "
                f"{counted(self.rows, 'row')}. Fix {'it' if len(self.problems) == 1 else 'them'} and "
                "import the file again."
            )
        return (
            f"{self.file_name}: {counted(self.stored, 'read')} stored for "
            f"{counted(self.customers, 'customer')} ({self.already_stored} already stored) "
            f"from {counted(self.rows, 'row')}."
        )


@dataclass(frozen=True, kw_only=True)
class _Row(Read):
    """A row of the file: its read, its line, and the account holding the meter's premise that day."""

    line: int
    account: Account


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise ImportFileError(f"the file is larger than {MAX_BYTES // 1_000_000} MB: split it")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError("the file is not UTF-8 text (save it as CSV, UTF-8)") from None
    if "\x00" in text:  # no cell holding one can be looked up or stored (PostgreSQL refuses it outright)
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(
            f"line {line} holds a NUL character: the file is not CSV text (save it as CSV, UTF-8)"
        )
    return text


def _header(reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: it needs a header row and reads") from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1 is not CSV: {exc}") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h for h in names if h not in REQUIRED + OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
        if unknown:
            parts.append(
                "unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(map(repr, unknown))
            )
        raise ImportFileError(
            f"the header row: {'; '.join(parts)} "
            f"(columns: {', '.join(REQUIRED + OPTIONAL)}; the last four optional)"
        )
    if len(set(names)) != len(names):
        raise ImportFileError("the header names a column twice")
    return names


def _holders(meters: set[str]) -> tuple[dict[str, ServicePoint], dict[int, list[Account]]]:
    points = {p.meter_number: p for p in ServicePoint.objects.filter(meter_number__in=meters)}
    accounts: dict[int, list[Account]] = {}
    for a in Account.objects.filter(premise_id__in={p.premise_id for p in points.values()}).select_related(
        "customer"
    ):
        accounts.setdefault(a.premise_id, []).append(a)
    return points, accounts


def _parse(text: str, report: ImportReport) -> list[_Row]:
    """Every row checked for what can be checked without opening anyone's data; problems into the report."""
    reader = csv.reader(io.StringIO(text))
    names = _header(reader)
    raw: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(raw) >= MAX_ROWS:
                raise ImportFileError(f"more than {MAX_ROWS:,} reads: split the file")
            if len(cells) != len(names):
                report.problems.append(
                    RowProblem(line, "", f"{len(cells)} cells where the header has {len(names)} columns")
                )
                continue
            raw.append((line, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num} is not CSV: {exc}") from None
    report.rows = len(raw) + len({p.row for p in report.problems})
    points, accounts = _holders({cells["meter"] for _, cells in raw})
    today = timezone.localdate()
    rows, seen = [], {}
    for line, cells in raw:
        problems = []

        def bad(column, message, _problems=problems, _line=line):
            _problems.append(RowProblem(_line, column, message))

        point = points.get(cells["meter"])
        if not cells["meter"]:
            bad("meter", "empty: the meter number as printed on the meter")
        elif point is None:
            bad("meter", f"no premise has a meter numbered {cells['meter']!r}")
        try:
            read_on = iso_day(cells["read_on"])
        except ValueError as wrong:
            read_on = None
            bad("read_on", str(wrong))
        if read_on is not None and read_on > today:
            bad("read_on", "a read can't be dated in the future")
        values = {}
        for column, what in (
            ("index", "the read"),
            ("old_meter_final", "the old meter's final read"),
            ("new_meter_start", "the new meter's starting read"),
        ):
            given = cells.get(column, "")
            if column == "index" and not given:
                bad(column, "empty: the index on the dials")
                continue
            if given:
                try:
                    values[column] = _decimal(given, what)
                except ReadError as exc:
                    bad(column, str(exc))
        kind = cells.get("kind") or Kind.REGULAR
        if kind not in KINDS:
            bad("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        dials = None
        if cells.get("dials"):
            try:
                dials = ascii_whole(cells["dials"])
            except ValueError:
                bad("dials", f"{cells['dials']!r} is not a whole number written with the digits 0 to 9")
        if dials is not None or kind == Kind.ROLLOVER:
            # A dial register shows whole units: a fraction is a misread (or a typed decimal point).
            for column, number in values.items():
                if number != number.to_integral_value():
                    bad(column, f"{cells[column]!r}: a dial register's read is a whole number")
        account = None
        if point is not None and read_on is not None:
            holding = [
                a
                for a in accounts.get(point.premise_id, [])
                if a.opened_on <= read_on and (a.closed_on is None or read_on <= a.closed_on)
            ]
            if not holding:
                bad("read_on", "no account had service at the meter's premise that day")
            elif len(holding) > 1:
                bad("read_on", "service changed hands at the premise that day: enter this read at the desk")
            else:
                account = holding[0]
        if point is not None and read_on is not None:
            key = (point.meter_number, read_on)
            if key in seen:
                bad(
                    "read_on",
                    f"the file reads meter {point.meter_number} on this day already (row {seen[key]})",
                )
            seen.setdefault(key, line)
        if problems:
            report.problems.extend(problems)
            continue
        rows.append(
            _Row(
                line=line,
                meter=point.meter_number,
                service=point.service,
                account=account,
                read_on=read_on,
                index=values["index"],
                kind=kind,
                dials=dials,
                old_final=values.get("old_meter_final"),
                new_start=values.get("new_meter_start", Decimal(0)),
            )
        )
    return rows


def _already_stored(usage: dict, row: _Row) -> bool | None:
    """True when the document holds this read (a re-run); a ReadError when it holds another read of that
    meter on that day; False otherwise."""
    for r in (usage.get(row.service) or {}).get("reads", []):
        if r.get("meter") == row.meter and r.get("on") == row.read_on.isoformat():
            if Decimal(r["index"]) == row.index:
                return True
            raise ReadError(f"a read of {r['index']} is stored for this meter on this day")
    return False


# The column a read that does not add up points at, from the rule's own words.
_COLUMNS = (
    ("dials", "dials"),
    ("old meter", "old_meter_final"),
    ("starting read", "new_meter_start"),
    ("the last read is of", "read_on"),
    ("metered total", "read_on"),
    ("first read", "kind"),
)


def _column_of(message: str) -> str:
    return next((column for words, column in _COLUMNS if words in message), "index")


@transaction.atomic
def register_reads_import(
    *,
    data: bytes | str,
    file_name: str,
    by,
    progress: Callable[[int], None] | None = None,
    client_ip: str = "",
) -> ImportReport:
    """Check a file of register reads and store them all, or none: the report lists each problem with its
    row and column. Only staff who provide services with meter usage import reads (`by`)."""
    if by is None or not may_enter_reads(by):
        raise ReadError("only staff who provide services with meter usage import meter reads")
    if reads_held_for(by):
        # The route's upload reads every customer in it as the job for `by`: not while `by`'s own reads are
        # held for review (the privacy officer decides first, or a colleague uploads the route).
        raise ReadError("your reads are held for the privacy officer's decision: no file of reads until then")
    report = ImportReport(file_name=file_name)
    rows = _parse(_text(data), report)
    if report.problems or not rows:
        if not rows and not report.problems:
            raise ImportFileError("the file holds a header and no reads")
        return report
    customer_ids = sorted({r.account.customer_id for r in rows})
    documents = reveal_many(
        actor=system_actor(READS_JOB, on_behalf_of=by),
        customer_ids=customer_ids,
        fields=["meter_usage"],
        purpose="providing_services",
        client_ip=client_ip,
        action=Action.REGISTER_READS_IMPORT,
    )
    usage = {cid: json.loads((documents.get(cid) or {}).get("meter_usage") or "{}") for cid in customer_ids}
    changed: set[int] = set()
    # A meter's reads in the order of their days, whatever the file's order.
    for row in sorted(rows, key=lambda r: (r.meter, r.read_on)):
        document = usage[row.account.customer_id]
        try:
            if _already_stored(document, row):
                report.already_stored += 1
            else:
                read_apply(document, row, customer_class=row.account.customer.customer_class)
                report.stored += 1
                changed.add(row.account.customer_id)
        except ReadError as exc:
            report.problems.append(RowProblem(row.line, _column_of(str(exc)), str(exc)))
        if progress:
            progress(1)
    if report.problems:
        # Nothing is written; the reads through the gate above stay on the access log (they happened).
        report.problems.sort(key=lambda p: p.row)
        report.stored = 0
        return report
    if changed:
        personal_data_record_many(
            items=[(cid, {"meter_usage": usage_text(usage[cid])}) for cid in sorted(changed)],
            submission=reads_submission(
                by=by,
                channel=Channel.FILE_IMPORT,
                # The count, not the file's name: a name may carry a customer's name, and this sits in clear.
                note=f"register reads imported from a file ({report.stored} reads)",
            ),
        )
    report.customers = len(changed)
    return report
