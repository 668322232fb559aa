"""Vendor exports: for each vendor function only the categories the policy file lists, pseudonyms where the
function needs no identity, opted-out customers left out of marketing mailings, a file only the vendor can
read, a manifest with a checksum, and an accounting entry for every customer in the file.

Data in dispute travels with the customer's statement of disagreement (Minn. Stat. § 13.04 subd. 4(a)):
every row of a CSV export ends with the `statement_of_disagreement` column, filled for the customers whose
statement concerns any category the vendor's function receives; a file with a fixed layout (the bank's NACHA
file) gets the statements in a second file encrypted to the same vendor, named in the manifest.

Crash safety: the file is written as `<name>.partial` and renamed when complete; the accounting entries and
the `done` mark are written in one transaction after that. An export that died (still `running`) is
cleaned up — its files deleted, marked `failed` — before the next one starts, so no file is ever marked
done without its entries and no entry exists without a file.

One module (over 400 lines) on purpose: the crash safety above holds only if the file, the accounting and
the cleanup are written together.
"""

import base64
import contextlib
import hashlib
import io
import json
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.background import objects_held_frozen
from custodian.csvfile import csv_writer
from custodian.customers.choices import CustomerClass
from custodian.customers.models import Customer
from custodian.customers.selectors import open_accounts
from custodian.disclosures.models import DisclosureRequest, Vendor, VendorExport, VendorPseudonym
from custodian.disclosures.services import AccountingError, current_determination, disagreement_texts
from custodian.disclosures.services.accounting import Accounting, disclosure_accounting
from custodian.disclosures.vendor_forms import FORM_WORDS, missing_forms, vendor_form
from custodian.plurals import counted
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of
from custodian.vault.export_crypto import ExportWriter
from custodian.vault.gate import reveal_documents_many, reveal_many, vendor_actor
from custodian.vault.models import DataDestruction
from custodian.vault.notice_rule import notice_uncovered_among
from custodian.vault.services import opted_out_customer_ids, vendor_pseudonyms

CHUNK = 2000  # letters a chunk (each with its PDF in memory)
# Customers a chunk of a vendor export: each chunk is one transaction (the gate's read and its access
# events) and asks the database the chunk's checks, statements and values once. On PostgreSQL each commit
# waits for the log to be flushed: 2,000 a chunk made the commits and per-chunk queries a third of a
# million-customer export's time. A chunk of rows of a few short values is a few megabytes.
ROWS_CHUNK = 10_000
STATEMENT_COLUMN = "statement_of_disagreement"
STATEMENTS_SUFFIX = ".statements.bin"
REPORT_MAILING = "report_mailing"
LETTER_MAILING = "letter_mailing"
MAILING = "mailing"
MAILING_NAMES_WHAT_AND_WHOM = (
    "a mailing export names what is being mailed and the customers it is mailed to; nobody's name and "
    "address leave for a mailing that is not theirs (a marketing mailing goes to all who did not opt out)"
)
PEER_GROUP_COLUMN = "peer_group"
PEER_GROUP_WORDS = (
    "a comparison group of ours: an opaque label, new in every file, shared by at least %(min)s homes of the "
    "file (similar homes by type, heating fuel, size and place, widened until the group is that large); no "
    "address, ZIP code, size or fuel leaves"
)
NO_DETERMINATION = (
    "no current determination that the vendor's use advances the public's welfare, health or safety"
)


def export_admit(
    *,
    vendor: Vendor,
    requested_by,
    only_function: str | None = None,
    wrong_function: str = "",
    for_marketing: bool = False,
):
    """The checks every export to a vendor passes before anything is read, one place for all of them: the
    vendor's function (when the export is for one function only), the privacy officer starting it (exports are
    disclosures: the privacy officer decides them) and a current determination. A refusal past the first check
    is recorded as a refused disclosure request, under the purpose the export is for (Marketing for a
    marketing mailing). Returns (function, determination, the request's fields)."""
    function = current_policy().vendor_functions.get(vendor.function)
    if only_function is not None and (function is None or function.key != only_function):
        raise ExportRefused(wrong_function)
    record = dict(
        recipient_name=vendor.name,
        recipient_address=vendor.contact,
        categories="",
        purpose=function.purpose_of(for_marketing=for_marketing) if function else "",
        basis_kind="vendor_determination",
        basis_ref="",
        customer_count=0,
        requested_by=requested_by,
    )
    if not reviews_access(services_of(requested_by)):
        reason = "only the privacy officer runs vendor exports"
        DisclosureRequest.objects.create(outcome="refused", reason=reason, **record)
        raise ExportRefused(reason)
    determination = current_determination(vendor)
    if function is None or determination is None:
        reason = NO_DETERMINATION if vendor.revoked_at is None else "the vendor was revoked"
        waiting = vendor.determinations.filter(decision__isnull=True, review_by__gte=timezone.localdate())
        if vendor.revoked_at is None and waiting.exists():
            reason += (
                " (one recorded waits for a second person's approval: nothing leaves under it until then)"
            )
        DisclosureRequest.objects.create(outcome="refused", reason=reason, **record)
        raise ExportRefused(reason)
    return function, determination, record


def export_dir() -> Path:
    path = settings.VAR_DIR / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ExportRefused(Exception):
    pass


class NothingToSend(ExportRefused):
    """An export with nobody to send to (every bill sent already, no home with a report to mail, every
    customer of a marketing mailing opted out): no export is recorded, no file written and nobody accounted;
    the message says why, in words for the member of staff who ran it."""

    def told(self, *, file_too: bool = True) -> str:
        """What the member of staff who ran it reads: why nobody is sent, then that nothing was recorded."""
        said = str(self)
        return f"{said[:1].upper()}{said[1:]}: no export recorded" + (
            ", no file written." if file_too else "."
        )


def _nobody_to_send(vendor: Vendor, why: str) -> NoReturn:
    raise NothingToSend(f"nothing to send to {vendor.name}: {why}")


@dataclass(frozen=True)
class ExportRows:
    """The rows of a vendor function whose file is not one row of values per customer (the report-mailing
    function's rows are the addressed comparison PDFs). The app that makes them registers them when it is
    ready (`custodian.usage.apps`), so the disclosure workflow does not import the apps built on it."""

    header: list[str]
    eligible: Callable[[list[int]], list[int]]  # the customers who may be in the file
    rows: Callable[..., Iterable[list]]  # (actor=, customer_ids=, values=) -> rows, the customer id first
    # Called in the transaction that records the export as done, with the customers in the file and the time
    # the export started (the bill-mailing function marks those customers' bills as sent).
    after: Callable[[list[int], datetime], None] | None = None
    # What one row is, to count them in words (`counted`): a customer may have several (a bill each).
    row_words: tuple[str, ...] = ("row",)


_ROWS: dict[str, ExportRows] = {}

# Vendor functions whose data leaves only by an export of their own, never by the export of every customer's
# values: the letter-mailing vendor gets the letters the outbox queued (here, `letters_mail`), the bank the
# debits due on automatic payment (`custodian.payments`, which registers itself when ready). Without this, a
# function with a narrow export of its own would also receive every active customer's values.
_OWN_EXPORT: dict[str, str] = {LETTER_MAILING: "the letters the outbox queued"}


def export_own_register(function_key: str, what: str) -> None:
    """`function_key`'s vendors receive only `what`, by the export that sends it."""
    _OWN_EXPORT[function_key] = what


def own_export_of(function_key: str) -> str | None:
    """What a vendor of `function_key` receives by its own export, if its data leaves only so."""
    return _OWN_EXPORT.get(function_key)


@dataclass(frozen=True)
class ExportOffer:
    """What the disclosure desk offers a vendor of a function: an export (`exports`; the letter-mailing
    vendor's mails the letters queued), and a marketing mailing with it (`marketing`, only for a function
    the policy file lets send marketing mail). A function whose data leaves only by its own run, or that
    receives no personal data in clear, is offered none (`none_because` says why)."""

    exports: bool
    marketing: bool
    none_because: str = ""


def export_offer(function_key: str) -> ExportOffer:
    """The desk's offer to a vendor of `function_key`, from the same checks `vendor_export_run` refuses by."""
    function = current_policy().vendor_functions.get(function_key)
    if function is None:
        return ExportOffer(False, False, "not a vendor function of the policy file")
    if function.key == LETTER_MAILING:
        return ExportOffer(True, False)
    try:
        export_checked(function, for_marketing=False)
    except ExportRefused as exc:
        return ExportOffer(False, False, str(exc))
    return ExportOffer(True, "marketing" in function.also_for)


def export_offered(function_key: str, *, for_marketing: bool) -> None:
    """Refused unless the desk offers this export (`export_offer`): a form sent by hand is refused before it
    is confirmed, as the service refuses it again."""
    offer = export_offer(function_key)
    if not offer.exports:
        raise ExportRefused(offer.none_because)
    if for_marketing and not offer.marketing:
        function = current_policy().vendor_functions[function_key]
        raise ExportRefused(f"“{function.label}” sends no marketing mail")


def export_checked(function, *, for_marketing: bool) -> None:
    """Refused unless a vendor of `function` receives an export from the desk, and a marketing mailing only
    when the function sends marketing mail (the policy file's `also_for`)."""
    if for_marketing and "marketing" not in function.also_for:
        raise ExportRefused(f"“{function.label}” sends no marketing mail")
    if not function.categories:
        raise ExportRefused(f"“{function.label}” receives no personal data in clear")
    if function.key in _OWN_EXPORT:
        raise ExportRefused(
            f"a vendor for “{function.label}” receives {_OWN_EXPORT[function.key]}, nothing else"
        )
    categories = current_policy().categories
    missing = missing_forms(sorted(categories[c].field for c in function.categories))
    if function.key not in _ROWS and missing:
        # A value column of a category with no vendor's form would be empty: refused, not sent half.
        raise ExportRefused(
            f"no form of {', '.join(missing)} is defined for a vendor's file: only what the function "
            "needs leaves"
        )


def export_rows_register(function_key: str, rows: ExportRows) -> None:
    _ROWS[function_key] = rows


def rows_of_function(function_key: str) -> ExportRows | None:
    return _ROWS.get(function_key)


def _export_fail(export: VendorExport) -> None:
    """An export that did not finish: its files deleted, the export marked failed."""
    for suffix in ("", ".partial", ".manifest.json", STATEMENTS_SUFFIX):
        (export_dir() / f"{export.file_name}{suffix}").unlink(missing_ok=True)
    export.status, export.finished_at = "failed", timezone.now()
    export.save(update_fields=["status", "finished_at"])


def _cleanup_stale(vendor: Vendor) -> int:
    """Exports of this vendor that never finished: delete their files, mark them failed."""
    stale = list(VendorExport.objects.filter(vendor=vendor, status="running"))
    for export in stale:
        _export_fail(export)
    return len(stale)


def statements_for_export(*, customer_ids, categories, requested_by) -> dict[int, str]:
    """The statements of disagreement that go with these customers' data in these categories, one text per
    customer (each statement dated, with the data it concerns), read through the gate as the disclosures job:
    the law, not the vendor's function, requires them to travel with the data."""
    policy = current_policy()
    texts: dict[int, list[str]] = {}
    for s in disagreement_texts(customer_ids=customer_ids, categories=categories, on_behalf_of=requested_by):
        about = ", ".join(policy.categories[c].label for c in s["data"] if c in policy.categories)
        texts.setdefault(s["customer"], []).append(
            f"Statement of disagreement recorded {s['recorded_at'][:10]} about {about}: {s['statement']}"
        )
    return {cid: "\n".join(found) for cid, found in texts.items()}


def export_values(actor, function, *, customer_ids, fields, purpose: str = "") -> dict[int, dict[str, str]]:
    """The values an export to a vendor carries, read through the gate as the vendor (`actor`) for the
    export's purpose (`purpose`, else the function's), each customer's read logged as a vendor export; each
    value in the form the function needs (`vendor_forms`), never a stored document whole."""
    values = reveal_many(
        actor=actor,
        customer_ids=customer_ids,
        fields=fields,
        purpose=purpose or function.purpose,
        action=Action.VENDOR_EXPORT,
    )
    return {cid: vendor_form(held, fields) for cid, held in values.items()}


def min_group_size() -> int:
    """The fewest homes a comparison group may have: the policy file's aggregation threshold, the one the
    neighbour comparison shows a group's figures at (`[aggregation] min_customers`)."""
    return int(current_policy().aggregation["min_customers"])


def _size_band(sqft: int) -> str:
    return "<1000" if sqft < 1000 else "1000-1999" if sqft < 2000 else "2000-2999" if sqft < 3000 else "3000+"


# Similar homes, from the most alike to the least: the neighbour comparison's own facts (type, heating fuel,
# size band, ZIP code), then widened a fact at a time (the place first) until a group is large enough.
_GROUP_LEVELS = (4, 3, 2, 1, 0)


def peer_groups(customer_ids) -> dict[int, str]:
    """Each customer's comparison group for the consumption-report vendor: an opaque label, drawn anew for
    each file, shared by at least `min_group_size()` of `customer_ids`, so no row can be singled out by it.
    Homes are grouped by their premise's facts (held in clear, never sent), the groups too small widened a
    fact at a time; what is left at the end joins the smallest group. Fewer homes than that in the file: no
    label at all (the vendor gets the usage only, as the policy's categories alone allow)."""
    least = min_group_size()
    ids = set(customer_ids)
    if len(ids) < least:
        return {}
    facts: dict[int, tuple] = {}
    accounts = open_accounts().order_by("customer_id", "opened_on", "pk")
    for cid, kind, fuel, sqft, zip_code in accounts.values_list(
        "customer_id",
        "premise__premise_type",
        "premise__heating_fuel",
        "premise__size_sqft",
        "premise__zip_code",
    ).iterator(chunk_size=20_000):
        if cid in ids and cid not in facts:
            facts[cid] = (kind, fuel, _size_band(sqft or 0), zip_code)
    groups: list[list[int]] = []
    left = sorted(ids)
    for width in _GROUP_LEVELS:
        alike: dict[tuple, list[int]] = {}
        for cid in left:
            alike.setdefault(facts.get(cid, ())[:width], []).append(cid)
        left = []
        for members in alike.values():
            if len(members) >= least:
                groups.append(members)
            else:
                left.extend(members)
    if left:
        min(groups, key=len).extend(left)
    labels: set[str] = set()
    while len(labels) < len(groups):
        labels.add(f"G{secrets.token_hex(4)}")
    return {cid: label for members, label in zip(groups, sorted(labels), strict=True) for cid in members}


# --- what every kind of export does alike: the file opened, closed with its manifest, accounted for ---------


@dataclass
class ExportInProgress:
    """An export being written: its record, the writer of its encrypted file (under a partial name until
    closed), and what admitted it (the vendor's function, the determination, the request's record)."""

    export: VendorExport
    writer: ExportWriter
    function: object
    determination: object
    record: dict
    digest: str = ""
    described: dict | None = None  # what this export adds to its manifest (the mailing, the peer groups)
    statements: dict | None = None  # the companion file of statements of disagreement, when there is one

    def close(self, *, rows: int, **described) -> None:
        """The finished file under its own name, its SHA-256, and its manifest beside it (`described`: what
        this kind of export adds, such as its format)."""
        export, name = self.export, self.export.file_name
        final = export_dir() / name
        (export_dir() / f"{name}.partial").rename(final)
        self.digest = hashlib.sha256(final.read_bytes()).hexdigest()
        manifest = {
            "export": export.pk,
            "vendor": export.vendor.name,
            "function": self.function.key,
            "categories": sorted(self.function.categories),
            "purpose": self.record["purpose"],
            **(self.described or {}),
            **described,
            **({"statements_of_disagreement": self.statements} if self.statements else {}),
            "rows": rows,
            "file": name,
            "sha256": self.digest,
            "sealed_key": self.writer.sealed_key,
            "created": timezone.now().isoformat(),
            "encryption": "AES-256-GCM chunks; key sealed to the vendor's X25519 key (libsodium sealed box)",
        }
        (export_dir() / f"{name}.manifest.json").write_text(json.dumps(manifest, indent=2))

    def statements_attach(self, rows: list[dict]) -> None:
        """The statements of disagreement for a file whose layout can't carry them, as a second file
        encrypted to the vendor (its own key, sealed in the manifest): JSON rows naming the file's reference
        for the person, the data and the statement."""
        if not rows:
            return
        name = f"{self.export.file_name}{STATEMENTS_SUFFIX}"
        writer = ExportWriter(
            export_dir() / name,
            export_id=f"{self.export.pk}:statements",
            vendor_public_key=self.export.vendor.public_key,
        )
        with writer:
            writer.write(json.dumps(rows, indent=2).encode(), last=True)
        self.statements = {"file": name, "sealed_key": writer.sealed_key, "count": len(rows)}

    def accounting(self) -> Accounting:
        """The disclosure this export makes, checked before anything is read: each customer in the file is
        entered under it."""
        export, function, determination = self.export, self.function, self.determination
        return disclosure_accounting(
            recipient_name=export.vendor.name,
            recipient_address=export.vendor.contact,
            categories=sorted(function.categories),
            purpose=self.record["purpose"],
            basis_kind="vendor_determination",
            basis_ref=f"determination {determination.pk}",
            approved_by=determination.decided_by,
        )

    def accounted(self, *, customer_ids, rows: int, reason: str, entered: bool = False) -> None:
        """In the caller's transaction, once closed: every customer in the file in the accounting of
        disclosures (unless `entered` already, in this same transaction), the disclosure request granted,
        the export done."""
        export, function, determination = self.export, self.function, self.determination
        cats = sorted(function.categories)
        if customer_ids and not entered:
            self.accounting().record(customer_ids)
        DisclosureRequest.objects.create(
            outcome="disclosed",
            reason=reason,
            **{
                **self.record,
                "categories": ",".join(cats),
                "customer_count": len(customer_ids),
                "basis_ref": f"determination {determination.pk}",
            },
        )
        export.status, export.sha256, export.rows = "done", self.digest, rows
        export.sealed_key, export.finished_at = self.writer.sealed_key, timezone.now()
        export.save(update_fields=["status", "sha256", "rows", "sealed_key", "finished_at"])


IN_FLIGHT = 2  # chunks read at once on PostgreSQL


def _in_flight(make: Callable, parts: list[tuple]):
    """`make(*part)` for each part, yielded in order, with IN_FLIGHT parts made at once by threads of their
    own (each on its own connection, each part in its own transactions): while one waits for the database,
    another decrypts. Thread k makes parts k, k + IN_FLIGHT, … and hands each over when the one before it
    was taken, so at most two parts a thread are held. A part that fails raises here, in order."""
    handed = [queue.Queue(maxsize=1) for _ in range(IN_FLIGHT)]
    stop = threading.Event()

    def maker(k: int) -> None:
        try:
            for part in parts[k::IN_FLIGHT]:
                if stop.is_set():
                    return
                try:
                    handed[k].put((True, make(*part)))
                except BaseException as exc:  # handed to the caller's thread, raised there
                    handed[k].put((False, exc))
                    return
        finally:
            connection.close()  # this thread's own

    threads = [threading.Thread(target=maker, args=(k,), name=f"vendor-export-{k}") for k in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    try:
        for number in range(len(parts)):
            ok, value = handed[number % IN_FLIGHT].get()
            if not ok:
                raise value
            yield value
    finally:
        stop.set()
        for box in handed:  # a maker waiting to hand over a part goes on, sees the stop and ends
            with contextlib.suppress(queue.Empty):
                box.get_nowait()
        for thread in threads:
            thread.join()


class _Ledger:
    """The accounting entries of an export entered while it is written, on a connection of their own in one
    transaction that commits only with the export marked done (`commit`): a failed or killed export leaves
    none. Its foreign keys are checked as each chunk's entries go in, not all at once when it commits."""

    _ABANDON = object()

    def __init__(self, accounting: Accounting):
        self._accounting = accounting
        self._work: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="vendor-export-accounting")
        self._thread.start()

    def _run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while (item := self._work.get()) is not self._ABANDON:
                    if isinstance(item, threading.Event):  # every chunk before it is entered
                        item.set()
                        continue
                    if callable(item):  # the export's last writes: committed with the entries
                        item()
                        return
                    self._accounting.record(item)
                raise _Abandoned
        except _Abandoned:
            pass
        except BaseException as exc:  # handed to the export's thread, raised there
            self._error = exc
        finally:
            connection.close()  # this thread's own

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def enter(self, customer_ids: list[int]) -> None:
        self._raise()
        if customer_ids:
            self._work.put(customer_ids)

    def settle(self) -> None:
        """Wait until every chunk handed over is entered, and raise what failed: before the file is
        finished under its own name, so a refused entry leaves no finished file."""
        entered = threading.Event()
        self._work.put(entered)
        while not entered.wait(0.05):
            if not self._thread.is_alive():
                break
        self._raise()

    def commit(self, done: Callable[[], None]) -> None:
        """Run `done` after the entries, in their transaction, and commit them together."""
        self._work.put(done)
        self._thread.join()
        self._raise()

    def abandon(self) -> None:
        if self._thread.is_alive():
            self._work.put(self._ABANDON)
            self._thread.join()


class _Abandoned(Exception):
    pass


def export_open(*, admitted: tuple, vendor: Vendor, requested_by, prefix: str, **fields) -> ExportInProgress:
    """A running export's record and its file's writer, for what `export_admit` admitted."""
    function, determination, record = admitted
    name = f"{prefix}-{vendor.pk}-{timezone.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.bin"
    export = VendorExport.objects.create(
        vendor=vendor,
        determination=determination,
        function=function.key,
        **fields,
        status="running",
        file_name=name,
        categories=",".join(sorted(function.categories)),
        requested_by=requested_by,
    )
    writer = ExportWriter(
        export_dir() / f"{name}.partial", export_id=str(export.pk), vendor_public_key=vendor.public_key
    )
    return ExportInProgress(export, writer, function, determination, record)


def vendor_export_run(
    *,
    vendor: Vendor,
    requested_by,
    for_marketing: bool = False,
    customer_ids=None,
    mailing: str = "",
    batch: int = ROWS_CHUNK,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> VendorExport:
    """An export of a vendor function's categories. A marketing mailing (`for_marketing`) is read, logged and
    accounted as Marketing and leaves out who opted out; any other mailing names what is mailed (`mailing`)
    and to whom (`customer_ids`). Nobody whose data was destroyed is ever in a file. The consumption-report
    vendor gets each home's usage under a pseudonym with a comparison group of ours (`peer_groups`). The
    export's `rows` are the file's rows (a bill each for the bill-mailing vendor); the returned export's
    `customers`, how many customers they are for (`export_counted` says both).

    Progress counts customers: `progress_total(n)` is told once, before the first chunk, how many the export
    goes through (those left once the inactive, the destroyed, the opted-out and, for a function with rows
    of its own, those with nothing to send are taken out: a bill-mailing export run again has only the bills
    not yet sent), and `progress(k)` the customers of each chunk gone through, so the counts add up to it.
    An export with nobody to send to (every bill sent, no home with a report to mail, every customer of a
    marketing mailing opted out, every customer named gone) is refused as `NothingToSend`, saying why, before
    anything is recorded: no export, no file, no accounting, no total told. One whose rows turned out to be
    none (a home's report that could not be drawn after all) is taken back whole the same way."""
    policy = current_policy()
    # A report run may be queued by others, but only the privacy officer's run mails letters.
    function, determination, record = export_admit(
        vendor=vendor, requested_by=requested_by, for_marketing=for_marketing
    )
    export_checked(function, for_marketing=for_marketing)
    mailing = " ".join((mailing or "").split())
    if function.key == MAILING and not for_marketing and (not mailing or not customer_ids):
        raise ExportRefused(MAILING_NAMES_WHAT_AND_WHOM)
    special = _ROWS.get(function.key)
    if function.key == REPORT_MAILING and special is None:
        raise ExportRefused("the comparison reports are not installed (custodian.usage)")
    _cleanup_stale(vendor)
    started_at = timezone.now()
    purpose = function.purpose_of(for_marketing=for_marketing)

    ids = (
        customer_ids
        if customer_ids is not None
        else list(
            Customer.objects.filter(is_active=True)
            .exclude(customer_class=CustomerClass.INQUIRER)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    # Nobody whose data was destroyed under the retention schedule (a small table: read whole, so a million
    # ids are never sent to the database as parameters).
    destroyed = set(DataDestruction.objects.values_list("customer_id", flat=True))
    ids = sorted(set(ids) - destroyed)
    if special is not None:
        # Only those the rows are for (homes with a comparison that may be shown); nobody else's data leaves.
        ids = sorted(special.eligible(ids))
    # What an export with nobody to send to says, by why there is nobody (`NothingToSend`).
    none_made = f"no customer has a {special.row_words[0]} to send" if special is not None else ""
    if special is not None and not ids:
        # Rows sent once (each bill) with none left, or no home with a report: nothing is recorded.
        sent_once = special.after is not None
        _nobody_to_send(vendor, f"every {special.row_words[0]} is sent already" if sent_once else none_made)
    if not ids:
        _nobody_to_send(
            vendor,
            "none of the customers named is on file any more" if customer_ids else "no active customer",
        )
    cats = sorted(function.categories)
    fields = [policy.categories[c].field for c in cats]
    if for_marketing:
        # Never who opted out, nor whose details were given under a notice that did not name marketing.
        excluded = opted_out_customer_ids(ids)
        ids = [c for c in ids if c not in excluded]
        excluded = notice_uncovered_among(customer_ids=ids, fields=fields, purpose="marketing")
        ids = [c for c in ids if c not in excluded]
        if not ids:
            _nobody_to_send(
                vendor,
                "every customer opted out of marketing or gave their details under a notice that did not "
                "name it",
            )
    groups: dict[int, str] = {}
    described: dict = {"mailing": mailing} if mailing else {}
    if not function.identity and special is None:
        groups = peer_groups(ids)
        described["peer_group"] = PEER_GROUP_WORDS % {"min": min_group_size()}
    if special is None:
        described |= {f: FORM_WORDS[f] for f in fields if f in FORM_WORDS}
    record = {**record, "purpose": purpose}
    run = export_open(
        admitted=(function, determination, record),
        vendor=vendor,
        requested_by=requested_by,
        prefix="export",
        for_marketing=for_marketing,
    )
    run.described = described
    export, writer = run.export, run.writer
    actor = vendor_actor(str(vendor.pk), function.key, vendor.name, on_behalf_of=requested_by)
    header = (["customer_ref"] if function.identity else ["pseudonym"]) + fields
    if special is not None:
        header = list(special.header)
    if not function.identity:
        header += [PEER_GROUP_COLUMN]
    header += [STATEMENT_COLUMN]

    def chunk(start: int, part: list[int]) -> tuple[bytes, list[int], dict[int, str], int]:
        """The file's text for these customers (read through the gate, which logs each of them before it
        answers), the customers it holds (each once, however many rows are theirs), their pseudonyms when the
        function gets pseudonyms, and its rows."""
        buffer = io.StringIO()
        out = csv_writer(buffer)
        if start == 0:
            out.writerow(header)
        sent: list[int] = []
        names: dict[int, str] = {}
        rows = 0
        if part:
            values = export_values(actor, function, customer_ids=part, fields=fields, purpose=purpose)
            disputed = statements_for_export(customer_ids=part, categories=cats, requested_by=requested_by)
            if special is not None:
                for row in special.rows(actor=actor, customer_ids=part, values=values):
                    out.writerow([*row, disputed.get(row[0], "")])
                    sent.append(row[0])
                    rows += 1
                # A customer with several rows (a bill each) is in the file, and the accounting, once.
                sent = list(dict.fromkeys(sent))
            elif function.identity:
                sent, rows = part, len(part)
                for cid in part:
                    out.writerow([cid] + [values[cid].get(f, "") for f in fields] + [disputed.get(cid, "")])
            else:
                sent, rows = part, len(part)
                names = vendor_pseudonyms(vendor_id=vendor.pk, customer_ids=part)
                for cid in part:
                    out.writerow(
                        [names[cid]]
                        + [values[cid].get(f, "") for f in fields]
                        + [groups.get(cid, ""), disputed.get(cid, "")]
                    )
        return buffer.getvalue().encode(), sent, names, rows

    accounting = run.accounting()
    if progress_total:
        progress_total(len(ids))
    parts = [(start, ids[start : start + batch]) for start in range(0, max(len(ids), 1), batch)]
    # On PostgreSQL, outside a caller's transaction, the database's work goes on while this process
    # decrypts and writes: two chunks are read at once, each in its own transaction on its own connection,
    # and the accounting entries are entered on a third as the chunks are written, in the transaction that
    # will mark the export done. Rows made by another app (`special`) are made one chunk after another.
    overlap = connection.vendor == "postgresql" and not connection.in_atomic_block and special is None
    ledger = _Ledger(accounting) if overlap else None
    pseudonyms: dict[int, str] = {}
    sent: list[int] = []  # the customers whose data is in the file: exactly those the accounting lists
    rows = 0  # the file's rows: one a customer, or one a bill or report (`ExportRows`)
    try:
        chunks = _in_flight(chunk, parts) if overlap else (chunk(*p) for p in parts)
        with writer, objects_held_frozen(), contextlib.closing(chunks):
            for number, (text, part_sent, names, part_rows) in enumerate(chunks):
                writer.write(text, last=number == len(parts) - 1)
                sent += part_sent
                rows += part_rows
                pseudonyms.update(names)
                if ledger is not None:
                    ledger.enter(part_sent)
                if progress:
                    progress(len(parts[number][1]))
        if not sent:
            # Nobody's rows after all (no home's report could be drawn): the file and the export taken back,
            # as if never started; the ledger, holding nobody, is abandoned below.
            _export_fail(run.export)
            run.export.delete()
            _nobody_to_send(vendor, none_made)
        if ledger is not None:
            ledger.settle()
        run.close(rows=rows, identity=function.identity)

        def done() -> None:
            VendorPseudonym.objects.bulk_create(
                [VendorPseudonym(vendor=vendor, pseudonym=p, customer_id=c) for c, p in pseudonyms.items()],
                batch_size=5000,
                ignore_conflicts=True,
            )
            if special is not None and special.after is not None:
                special.after(sent, started_at)
            run.accounted(
                customer_ids=sent,
                rows=rows,
                reason=f"export {export.pk}: {mailing}"[:300] if mailing else f"export {export.pk}",
                entered=ledger is not None,
            )

        try:
            if ledger is not None:
                ledger.commit(done)
            else:
                with transaction.atomic():
                    done()
        except Exception:
            # The file was finished but its accounting did not commit: it is not left looking finished (a
            # process killed here leaves it running, and the vendor's next export cleans it up).
            _export_fail(run.export)
            raise
    finally:
        if ledger is not None:
            ledger.abandon()  # when it did not commit: its entries are rolled back
    export.customers = len(sent)
    return export


def export_counted(export: VendorExport) -> str:
    """What a finished export holds, in words that count the right things: "670 bills for 67 customers"
    where a function's rows are not one a customer (`ExportRows.row_words`), else "67 customers".
    `export.customers`: set by the run that made it."""
    customers = counted(export.customers, "customer")
    special = _ROWS.get(export.function)
    if special is None:
        return customers
    return f"{counted(export.rows, *special.row_words)} for {customers}"


@dataclass(frozen=True)
class LetterToMail:
    message_id: int
    customer_id: int
    text_ref: str


def letters_export_run(
    *,
    vendor: Vendor,
    letters: Sequence[LetterToMail],
    render: Callable[["LetterToMail", dict, str], tuple[bytes, bytes]],
    on_done: Callable[[VendorExport, dict[int, bytes], list[int]], None],
    requested_by,
    progress: Callable[[int], None] | None = None,
    progress_total: Callable[[int], None] | None = None,
) -> VendorExport:
    """The outbox's letters for the letter-mailing vendor: one row per letter (message reference, name,
    mailing address, the PDF as printed), encrypted to the vendor. Each letter's text is read through the
    gate as the vendor (one access event per letter), names and addresses in one bulk read; every customer
    written to is accounted for. `render(letter, values, text)` draws a letter: the PDF the vendor prints and
    the one kept as printed (they differ only by a one-time code, which is kept nowhere), and may set the
    letter's own `values["mailing_address"]` (a letter to a former address);
    `on_done(export, printed, unaddressed)` (the kept PDFs) runs in the transaction that marks the export
    done (the outbox marks its letters sent there), so a crash leaves either a finished export with its
    letters marked, or neither. Progress counts letters: `progress_total(n)`, once, the letters to write;
    `progress(k)`, those of each chunk."""

    function, determination, record = export_admit(
        vendor=vendor,
        requested_by=requested_by,
        only_function=LETTER_MAILING,
        wrong_function=f"letters go only to a vendor of the {LETTER_MAILING!r} function",
    )
    _cleanup_stale(vendor)
    run = export_open(
        admitted=(function, determination, record),
        vendor=vendor,
        requested_by=requested_by,
        prefix="letters",
    )
    export, writer = run.export, run.writer
    actor = vendor_actor(str(vendor.pk), function.key, vendor.name, on_behalf_of=requested_by)
    printed: dict[int, bytes] = {}
    unaddressed: list[int] = []
    if progress_total:
        progress_total(len(letters))
    with writer:
        for start in range(0, max(len(letters), 1), CHUNK):
            part = list(letters[start : start + CHUNK])
            buffer = io.StringIO()
            out = csv_writer(buffer)
            if start == 0:
                out.writerow(
                    [
                        "letter_ref",
                        "customer_ref",
                        "name",
                        "mailing_address",
                        "letter_pdf_base64",
                        STATEMENT_COLUMN,
                    ]
                )
            if part:
                values = export_values(
                    actor,
                    function,
                    customer_ids=sorted({letter.customer_id for letter in part}),
                    fields=["name", "mailing_address"],
                )
                addressed = [
                    letter
                    for letter in part
                    if all(values[letter.customer_id].get(f) for f in ("name", "mailing_address"))
                ]
                unaddressed += [letter.message_id for letter in part if letter not in addressed]
                disputed = statements_for_export(
                    customer_ids=sorted({letter.customer_id for letter in addressed}),
                    categories=sorted(function.categories),
                    requested_by=requested_by,
                )
                texts = reveal_documents_many(
                    actor=actor,
                    refs=[(letter.customer_id, letter.text_ref) for letter in addressed],
                    category="correspondence",
                    purpose=function.purpose,
                    action=Action.VENDOR_EXPORT,
                )
                for letter in addressed:
                    # The letter's own copy: rendering may address it elsewhere (a former address, told it
                    # was replaced), and the row then carries that address.
                    mine = dict(values[letter.customer_id])
                    pdf, kept = render(letter, mine, texts[(letter.customer_id, letter.text_ref)].text)
                    printed[letter.message_id] = kept
                    out.writerow(
                        [
                            letter.message_id,
                            letter.customer_id,
                            mine["name"],
                            mine["mailing_address"],
                            base64.b64encode(pdf).decode(),
                            disputed.get(letter.customer_id, ""),
                        ]
                    )
            writer.write(buffer.getvalue().encode(), last=start + CHUNK >= len(letters))
            if progress:
                progress(len(part))
    run.close(rows=len(printed), identity=True)
    written = sorted({letter.customer_id for letter in letters if letter.message_id in printed})
    with transaction.atomic():
        run.accounted(customer_ids=written, rows=len(printed), reason=f"letters export {export.pk}")
        on_done(export, printed, unaddressed)
    return export


def reidentify(*, vendor: Vendor, pseudonyms) -> dict[str, int]:
    """Map a vendor's pseudonyms back to customers (inside Custodian only); unknown ones are left out."""
    return dict(
        VendorPseudonym.objects.filter(vendor=vendor, pseudonym__in=list(pseudonyms)).values_list(
            "pseudonym", "customer_id"
        )
    )


__all__ = [
    "AccountingError",
    "ExportRefused",
    "LetterToMail",
    "STATEMENT_COLUMN",
    "export_counted",
    "letters_export_run",
    "reidentify",
    "statements_for_export",
    "vendor_export_run",
]
