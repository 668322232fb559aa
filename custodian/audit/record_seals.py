"""The records the law asks for, tamper-evident by the access log: a consent, its revocation, a vendor
determination and its second person's decision, and the accounting of disclosures.

Their tables are append-only by trigger, but whoever owns the database can drop a trigger. So each record is
sealed into the event that the access log already writes for it, in the same transaction: the event's reason
ends with `sealed <seal>`, an HMAC under the events' sealing key (outside the database, as an event's own seal
and a redaction's: custodian.audit.seals) of the record's table, number and every column, then a short HMAC of
each column alone, which names the column that differs. The event is itself sealed and in the Merkle tree, so
the record can no more change, go or come unnoticed than the event can: `audit verify` names
(`sealed_record_problems`, with the checks each app registers) a record whose row differs from its event's
seal (and which column), a row with no event, and an event whose row is gone; the disclosure desk and the gate
refuse a consent whose row disagrees with its events (`custodian.disclosures.sealed.consent_as_sealed`).

The accounting of disclosures is written in bulk (an export enters a million customers): one event seals
each batch of entries (`Action.DISCLOSURE_ACCOUNTED`, no customer named), over what the batch's entries
share, their number and a digest of their customers; each entry names its batch.
"""

import hashlib
import hmac
import re
from datetime import date, datetime

from django.conf import settings

from custodian.audit import seals
from custodian.audit.heads import log_origin
from custodian.audit.log_key import log_seal_keys
from custodian.audit.models import AccessEvent
from custodian.audit.redaction import microseconds

SEALED = "sealed "
_WHOLE = 32  # hex digits of the record's HMAC (128 bits): what makes the seal one
_COLUMN = 4  # hex digits of each column's own HMAC: enough to name the column that differs
_SEAL_IN_REASON = re.compile(r"(?:^|; )sealed ([0-9a-f]{8})([0-9a-f]{32})\.([0-9a-f]*)$")


def stored(value) -> str:
    """A column's value as it is sealed: a moment in microseconds since the epoch, a day year-month-day,
    a truth 1 or 0, nothing as empty, anything else as its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return str(microseconds(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _text(table: str, number, columns: dict) -> str:
    return "record\n" + seals.leaf_encoded(
        [("table", table), ("id", stored(number)), *((k, stored(v)) for k, v in columns.items())]
    )


def _column_text(table: str, name: str, value) -> str:
    return f"record\n{table}\n" + seals.leaf_encoded([(name, stored(value))]) + "."


def _mac(secret: bytes, text: str, digits: int) -> str:
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:digits]


def record_seal(table: str, number, columns: dict) -> str:
    """`sealed <seal>` for a record written now (`number`: its id, or what names it; `columns`: every column,
    in a fixed order), under the log's active key: what its event's reason ends with."""
    key_id, secret = seals.active_key()
    each = "".join(_mac(secret, _column_text(table, k, v), _COLUMN) for k, v in columns.items())
    return f"{SEALED}{key_id}{_mac(secret, _text(table, number, columns), _WHOLE)}.{each}"


def with_seal(reason: str, seal: str) -> str:
    return f"{reason}; {seal}"


def seal_in(reason: str) -> tuple[str, str, str] | None:
    """(key id, the record's HMAC, the columns' HMACs) an event's reason ends with; None for an event written
    before records were sealed."""
    found = _SEAL_IN_REASON.search(reason or "")
    return found.groups() if found else None


def differences(keys: dict[str, bytes], sealed: tuple[str, str, str], table: str, number, columns: dict):
    """None when the row (`number`, `columns` as stored now) is the one sealed; else what differs: the
    columns whose own HMAC differs, or, when none does, that the record as a whole (its number among them)
    is not the one sealed. A seal under a key the log key file does not hold is named so."""
    key_id, whole, each = sealed
    secret = keys.get(key_id)
    if secret is None:
        return "its event's seal is under a key the log key file does not hold"
    if hmac.compare_digest(_mac(secret, _text(table, number, columns), _WHOLE), whole):
        return None
    names = list(columns)
    changed = [
        name
        for i, name in enumerate(names)
        if each[i * _COLUMN : (i + 1) * _COLUMN]
        != _mac(secret, _column_text(table, name, columns[name]), _COLUMN)
    ]
    if changed:
        return (
            "its "
            + ", ".join(changed)
            + " differ"
            + ("s" if len(changed) == 1 else "")
            + " from what its event sealed"
        )
    return "it is not the record its event sealed (its number or another record's content)"


def customers_digest(customer_ids) -> str:
    """The digest a batch of disclosure entries seals of its customers (in order of number)."""
    text = ",".join(str(c) for c in sorted(int(c) for c in customer_ids))
    return hashlib.sha256(text.encode()).hexdigest()


_keys: tuple[str, dict[str, bytes]] | None = None  # (key file, every sealing key) read by this process


def seal_keys(needed=()) -> dict[str, bytes]:
    """Every sealing key the log ever had (a record sealed before a rotation still opens), read from the key
    file once a process, and again when it names another file or lacks a key `needed` (by its hash): a
    rotation in another process."""
    global _keys
    path = str(settings.CUSTODIAN_LOG_SIGNING_KEYS)
    cached = _keys
    if cached is None or cached[0] != path or not set(needed) <= cached[1].keys():
        cached = _keys = (path, log_seal_keys(log_origin())[1])
    return cached[1]


def sealed_events(action) -> list[tuple[int, str, str, str, int]]:
    """(number, customer, categories, reason, time) of every event of `action` held, in order of number."""
    return list(
        AccessEvent.objects.filter(action=action)
        .order_by("seq")
        .values_list("seq", "customer_id", "categories", "reason", "at_us")
    )


# The apps whose records are sealed into the log register their check here (at start-up); `audit verify`
# runs each with the sealing keys and the time of the newest event redacted (a record older than that may have
# lost its event to retention: then only what its row holds is left to check). Each check returns its
# problems as (kind, what), the table and the row named in `what`.
_checks: list = []


def sealed_records_register(check) -> None:
    if check not in _checks:
        _checks.append(check)


def sealed_record_problems(keys: dict[str, bytes], redacted_until_us: int | None) -> list[tuple[str, str]]:
    return [problem for check in _checks for problem in check(keys, redacted_until_us)]
