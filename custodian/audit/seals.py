"""Every event is sealed when it is written: an HMAC-SHA256 of its whole content under a key the database
never holds (derived from the log key, in the log key file: custodian.audit.log_key), so an event changed in
the database before a head is signed over it no longer matches its seal.

The signed heads protect an event only from the moment a head covering it is signed; before that (up to the
signing schedule's interval) whoever can write the database could change it and the next head would sign the
changed version in. The seal closes that window for changes: `audit verify` checks the seal of every event,
signed or not, and names each one that does not match.

What is sealed (`SEAL_FIELDS` as stored, in the leaf's own encoding `name=<length>:<text>\\n`, empty ones
left out): the time, every field a writer gives, who acted in clear (user id, user name, address, the staff
member a job ran for), the actor commitment and its salt, the nonce and the customer (these two last, so a
bulk write of thousands of events alike but for the customer hashes the shared part once). Not sealed: the
event's number (`seq`), which the database gives at the insert: the seal is computed before it, so the write
stays one statement. A number changed, or events renumbered to close the gap a deletion left, is therefore
not seen by the seal (docs/decisions.md: what the seal leaves open).

The seal (`seal`: the 8 hex digits of the log key's hash, then the first 128 bits of the HMAC in hex) is in
the event's leaf, so a seal removed or changed on an event already signed breaks the tree, and an event with
no seal after the first sealed one is named by `audit verify`.
"""

import hashlib
import hmac

from django.conf import settings

from custodian.audit.log_key import log_seal_keys

# What a writer gives, in the leaf's order (custodian.audit.events builds the leaf's fields around it).
WRITTEN_FIELDS = (
    "action",
    "actor_kind",
    "actor_id",
    "actor_label",
    "roles",
    "purpose",
    "request_id",
    "customer_id",
    "categories",
    "decision",
    "reason",
    "client_ip",
    "break_glass_id",
    "on_behalf_of",
    "own_request",
)
SEAL_FIELDS = (
    "at_us",
    *(name for name in WRITTEN_FIELDS if name != "customer_id"),
    "actor_commitment",
    "actor_salt",
    "nonce",
    "customer_id",
)
_NAMED = tuple(f"{name}=" for name in SEAL_FIELDS)
SHARED_FIELDS = SEAL_FIELDS[:-2]  # what the events of one bulk write share
SEAL_LENGTH = 40
_sha256 = hashlib.sha256
_active: tuple[str, str, bytes] | None = None  # (key file, key hash, sealing key) of this process


def leaf_encoded(pairs) -> str:
    """`name=<length>:<text>\\n` for each (name, value) whose text is not empty: the leaf's encoding, which
    the seal and the actor commitment use too."""
    parts = []
    for name, value in pairs:
        text = value if type(value) is str else str(value)
        if text:
            parts.append(f"{name}={len(text)}:{text}\n")
    return "".join(parts)


def active_key() -> tuple[str, bytes]:
    """The sealing key of the log's active key and its hash (hex), read from the key file once a process
    (again when the setting names another file; after a rotation, see `forget_key`)."""
    global _active
    path = str(settings.CUSTODIAN_LOG_SIGNING_KEYS)
    cached = _active
    if cached is None or cached[0] != path:
        from custodian.audit.heads import log_origin  # heads imports the writers: read lazily, once

        key_id, keys = log_seal_keys(log_origin())
        cached = _active = (path, key_id, keys[key_id])
    return cached[1], cached[2]


def forget_key() -> None:
    """Read the key file again at the next write (after a rotation in this process). Other processes keep
    sealing with the key they read until they restart; `audit verify` still holds its sealing key."""
    global _active
    _active = None


# HMAC-SHA256 as RFC 2104 defines it (and Python's `hmac` computes it), its key's two padded blocks hashed
# once: OpenSSL 3 sets up an HMAC (or copies one) in about as long as it takes to hash a whole event, twice
# what two copies of SHA-256's state cost. The same digest (`test_unsigned_events_are_sealed` compares them).
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))
_pads: tuple[bytes, "hashlib._Hash", "hashlib._Hash"] | None = None  # (key, inner, outer) of the last key


def hmac_sha256_hex(secret: bytes, data: bytes) -> str:
    """`hmac.new(secret, data, sha256).hexdigest()`, the key's padded blocks hashed once per key."""
    global _pads
    pads = _pads
    if pads is None or pads[0] != secret:
        block = (_sha256(secret).digest() if len(secret) > 64 else secret).ljust(64, b"\0")
        pads = _pads = (secret, _sha256(block.translate(_IPAD)), _sha256(block.translate(_OPAD)))
    inner = pads[1].copy()
    inner.update(data)
    outer = pads[2].copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def seal(key_id: str, secret: bytes, values) -> str:
    """The seal of one event (`values` in SEAL_FIELDS order, as stored): one HMAC."""
    text = "".join([f"{name}{len(t)}:{t}\n" for name, t in zip(_NAMED, map(str, values), strict=True) if t])
    return key_id + hmac_sha256_hex(secret, text.encode("utf-8"))[:32]


def shared_part(secret: bytes, values) -> "hmac.HMAC":
    """An HMAC fed with the shared fields (`values` in SHARED_FIELDS order, as stored)."""
    return hmac.new(secret, leaf_encoded(zip(SHARED_FIELDS, values, strict=True)).encode("utf-8"), _sha256)


def finish(shared: "hmac.HMAC", key_id: str, nonce: str, customer_id: str) -> str:
    """The seal of one event: the shared part, then its nonce and customer."""
    mac = shared.copy()
    mac.update(leaf_encoded((("nonce", nonce), ("customer_id", customer_id))).encode("utf-8"))
    return key_id + mac.hexdigest()[:32]


def seal_text(event: dict) -> str:
    """The text an event's seal is the HMAC of (a dict with SEAL_FIELDS as stored; missing ones empty)."""
    return leaf_encoded((name, event.get(name, "")) for name in SEAL_FIELDS)


def opens(keys: dict[str, bytes], seal: str, text: str) -> bool:
    """Whether `seal` is the seal of an event whose seal text is `text`, under one of `keys`."""
    secret = keys.get(seal[:8])
    if secret is None or len(seal) != SEAL_LENGTH:
        return False
    mac = hmac.new(secret, text.encode("utf-8"), _sha256).hexdigest()[:32]
    return hmac.compare_digest(mac, seal[8:])


def seal_sql(alias: str = "", vendor: str = "sqlite") -> str:
    """An SQL expression equal to seal_text() of the row (NULL when the row is missing in an outer join)."""
    length = "LENGTH" if vendor == "sqlite" else "CHAR_LENGTH"
    prefix = f"{alias}." if alias else ""
    parts = []
    for name in SEAL_FIELDS:
        text = f"CAST({prefix}{name} AS TEXT)"
        parts.append(
            f"CASE WHEN {text} = '' THEN '' ELSE '{name}=' || CAST({length}({text}) AS TEXT) || "
            f"':' || {text} || '\n' END"
        )
    return " || ".join(parts)


# While a release that seals is rolled out host by host, processes of the code before it still write events
# without a seal for a while after the first sealed one: those are accepted for this long after it (by the
# sealed events' own times, which can't be changed unnoticed), and from the first sealed event written later
# on, none is.
UPGRADE_GRACE_US = 3600 * 1_000_000


def _at_us(text: str) -> int:
    """The time in a seal text (its first field)."""
    return int(text[text.index(":") + 1 : text.index("\n")]) if text.startswith("at_us=") else 0


class SealCheck:
    """`audit verify`'s check of the seals, over events given in order of number (the tree's, then those not
    in it): each sealed event opens its seal; no event lacks one after the first sealed (but those the old
    code's processes wrote in the hour of an upgrade: UPGRADE_GRACE_US); and, on SQLite, no number is missing
    (a writer there takes the next number under the database's one write lock and a rollback gives it back,
    so a gap is an event deleted). PostgreSQL's sequences skip numbers when a transaction rolls back: there a
    gap proves nothing and is not checked. Each problem is (kind, position or None, what), at most `limit`
    of each kind."""

    def __init__(self, keys: dict[str, bytes], gaps: bool, limit: int = 5):
        self.keys, self.gaps, self.limit = keys, gaps, limit
        self.problems: dict[str, list[tuple[str, int | None, str]]] = {}
        self.first: tuple[int, int] | None = None  # the first sealed event met: number, time
        self.past_grace: int | None = None  # the lowest number of a sealed event after the upgrade's hour
        # Unsealed events (number, position, time) met after a sealed one, and the highest one met before.
        self.unsealed: list[tuple[int, int | None, int]] = []
        self.unsealed_last: tuple[int, int | None, int] | None = None
        self.last: int | None = None

    def _problem(self, kind: str, position: int | None, what: str) -> None:
        found = self.problems.setdefault(kind, [])
        if len(found) < self.limit:
            found.append((kind, position, what))

    def event(self, seq: int, position: int | None, seal: str | None, text: str | None) -> None:
        """One event's number, its position in the tree (None if not in it), seal and seal text (None when
        the event is gone: the tree's own check names it)."""
        if self.gaps and self.last is not None and seq > self.last + 1:
            missing = f"{self.last + 1}" if seq == self.last + 2 else f"{self.last + 1} to {seq - 1}"
            self._problem(
                "deleted",
                position,
                f"event {missing} is missing before event {seq}: on SQLite numbers are never skipped, so "
                "it was deleted before the tree took it",
            )
        self.last = seq if self.last is None else max(self.last, seq)
        if text is None:
            return
        where = f"event {seq} " + ("(not in the tree yet)" if position is None else f"at position {position}")
        if seal:
            if seal[:8] not in self.keys:
                self._problem(
                    "modified", position, f"{where} is sealed with a key the log key file does not hold"
                )
                return
            if not opens(self.keys, seal, text):
                self._problem(
                    "modified",
                    position,
                    f"{where} is not what was sealed when it was written: its customer, purpose, kinds of "
                    "data, decision, time, who acted or another field was changed in the database",
                )
                return
            if self.first is None:
                self.first = (seq, _at_us(text))
            elif _at_us(text) > self.first[1] + UPGRADE_GRACE_US and (
                self.past_grace is None or seq < self.past_grace
            ):
                self.past_grace = seq
        elif self.first is None:
            if self.unsealed_last is None or seq > self.unsealed_last[0]:
                self.unsealed_last = (seq, position, _at_us(text))
        else:
            self.unsealed.append((seq, position, _at_us(text)))

    def findings(self) -> list[tuple[str, int | None, str]]:
        if self.first is not None:
            first, first_at = self.first
            past = self.past_grace
            candidates = sorted([*self.unsealed, *([self.unsealed_last] if self.unsealed_last else [])])
            for seq, position, at_us in candidates:
                in_grace = first_at <= at_us <= first_at + UPGRADE_GRACE_US and (past is None or seq < past)
                if seq > first and not in_grace:
                    where = f"event {seq}" + ("" if position is None else f" at position {position}")
                    self._problem(
                        "modified",
                        position,
                        f"{where} has no seal though event {first} before it has one: its seal was "
                        "removed, or it was written past the application",
                    )
        return [problem for found in self.problems.values() for problem in found]


# A redaction (custodian.audit.redaction) is sealed as an event is, with the same key, over what makes it one
# the system made under the retention rule: the event, its leaf, the event's own time, why, and when. Its
# text opens with a line no event's text has (an event's opens with its time), so no event's seal is ever a
# redaction's.
REDACTION_FIELDS = ("event_seq", "leaf_index", "leaf_hash", "at_us", "reason", "redacted_us")


def redaction_text(values: dict) -> str:
    """The text a redaction's seal is the HMAC of (`values` by REDACTION_FIELDS; `redacted_us`: the moment
    it was made, microseconds since the epoch)."""
    return "redaction\n" + leaf_encoded((name, values[name]) for name in REDACTION_FIELDS)


def redaction_seal(values: dict) -> str:
    """A new redaction's seal, under the log's active key."""
    key_id, secret = active_key()
    return key_id + hmac.new(secret, redaction_text(values).encode("utf-8"), _sha256).hexdigest()[:32]
