"""`audit verify` never stops on what someone who can write the database stores: every table it reads, every
column, a value the database accepts and the application never writes (text in a date or integer column,
NULL, an empty value, a blob of the wrong length) is named by its table, row and column, exit 1, no
traceback, and the check goes on to name everything else (the outside review: a redaction row dated "x"
hid an event's deletion behind a traceback).

Walked from the models' fields, so a new column is walked too. PostgreSQL's column types refuse most of
these values (text in a bigint, NULL in a NOT NULL column) or keep them as a value of the column's type (1.5
in a bigint as 2): each such case asserts that the database refused the value or kept one of its type;
SQLite's NOT NULL and its rowid keys refuse a few, asserted the same way."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from custodian.audit.events import append_events
from custodian.audit.heads import head_sign, publish_to
from custodian.audit.models import AccessEvent, PendingEvent, Redaction, SignedHead
from custodian.audit.redaction import events_redact, retention_cutoff_us
from custodian.audit.rows import EXPECTED, MEANING, TABLES
from custodian.audit.tests.conftest import tamper, verify_command, written_years_ago
from custodian.audit.verify import verify_log
from custodian.testing import read_event as event

# Values of another kind than each kind of column holds (SQLite keeps them as given: none of these is text
# that its column's affinity would turn into a number).
OTHER_THAN = {
    "integer": ["x", "", 1.5, b"\x01\x02", None],
    "text": [b"\xff\x00", None],
    "DateTimeField": ["x", "", "2026-02-30 00:00:00", "2026-01-01 00:00:00 and more", 7, b"\x01", None],
    "blob": ["x", b"", b"\x01" * 5, None],
}
# What PostgreSQL keeps as given in each kind of column (any other value it refuses or converts).
OF_THE_COLUMN_S_TYPE = {"integer": int, "text": str, "blob": bytes}
# Values of the right kind that mean nothing to the verifier (custodian.audit.rows.MEANING).
MEANINGLESS = {"_hex64": ["", "g" * 64], "_hex64_or_empty": ["x"], "_not_negative": [-1]}


def _cases():
    for model in TABLES:
        for f in model._meta.concrete_fields:
            kind = f.get_internal_type()
            values = OTHER_THAN["DateTimeField" if kind == "DateTimeField" else EXPECTED[kind]]
            if (check := MEANING.get((model, f.attname))) is not None:
                values = values + MEANINGLESS.get(check.__name__, [])
            for value in values:
                if value is None and f.null:
                    continue  # NULL is a value this column holds by design
                yield pytest.param(model, f.column, value, id=f"{model._meta.db_table}.{f.column}={value!r}")


@pytest.fixture
def log(db, log_keys, monkeypatch, tmp_path):
    """Every table the verifier reads holds a row: events years past their period redacted, today's in
    the tree under a signed head published to a mirror, two more waiting for the tree (on PostgreSQL in
    its queue; SQLite keeps none, so a run is written there for its columns to be walked)."""
    written_years_ago(monkeypatch, 7, [event(i) for i in range(1, 4)])
    append_events([event(i) for i in range(4, 9)])
    events_redact(before_us=retention_cutoff_us(timezone.now()), reason="past the access log's period")
    head_sign()
    publish_to(tmp_path / "mirror")
    append_events([event(i) for i in range(9, 11)])
    if not PendingEvent.objects.exists():
        waiting = list(AccessEvent.objects.order_by("-seq").values_list("seq", flat=True)[:2])
        tamper(
            "INSERT INTO audit_pendingevent (first_seq, last_seq) VALUES (%s, %s)",
            [min(waiting), max(waiting)],
        )
    return tmp_path / "mirror"


def test_the_log_as_the_system_wrote_it_verifies(log):
    assert Redaction.objects.exists() and SignedHead.objects.exists()
    assert verify_command(log)[0] == 0


def test_every_kind_of_column_is_one_the_verifier_checks():
    for model in TABLES:
        for f in model._meta.concrete_fields:
            assert f.get_internal_type() in EXPECTED, f"{model.__name__}.{f.name}: teach custodian.audit.rows"


def _held(table: str, column: str, pk: str, key):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE {pk} = %s", [key])  # noqa: S608
        return cur.fetchone()[0]


@pytest.mark.parametrize(("model", "column", "value"), list(_cases()))
def test_a_value_the_application_never_writes_is_named_and_the_check_goes_on(log, model, column, value):
    table, pk = model._meta.db_table, model._meta.pk.column
    kind = model._meta.get_field(column).get_internal_type()
    with connection.cursor() as cur:
        cur.execute(f"SELECT {pk}, {column} FROM {table} ORDER BY {pk} LIMIT 1")  # noqa: S608
        key, before = cur.fetchone()
    try:
        with transaction.atomic():
            tamper(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [value, key])  # noqa: S608
    except DatabaseError:
        # The database refuses it (PostgreSQL's column types, a NOT NULL, SQLite's row keys): no one who
        # writes the database can store it, and the row keeps what the application wrote.
        assert _held(table, column, pk, key) == before
        return
    if connection.vendor == "postgresql" and not isinstance(value, OF_THE_COLUMN_S_TYPE[EXPECTED[kind]]):
        # PostgreSQL keeps a value of its column's type, not this one (bigint takes 1.5 as 2, text takes
        # bytes as their escaped text): what is stored is of the kind the application writes.
        with connection.cursor() as cur:  # every row's: the row's own key may be the value changed
            cur.execute(f"SELECT {column} FROM {table}")  # noqa: S608
            kinds = {type(held) for (held,) in cur.fetchall()} - {type(None)}
        assert before is None or kinds == {type(before)}, kinds
        return

    code, said = verify_command(log)

    assert code == 1
    assert f"{table} row" in said and f": {column} " in said, said
    assert "unreadable" not in said, said  # named as the row it is, not as a check that stopped


def test_the_review_s_redaction_row_no_longer_hides_a_deletion(log):
    """The review's steps: a redaction row the triggers let in (dated "x"), the event deleted past them."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO audit_redaction (event_seq, leaf_index, leaf_hash, reason, redacted_at, at_us, "
            "seal) VALUES (999999, 999999, '', 'x', %s, NULL, '')",
            ["x" if connection.vendor == "sqlite" else timezone.now()],
        )
    victim = AccessEvent.objects.filter(customer_id="5").values_list("seq", flat=True).get()
    tamper("DELETE FROM audit_accessevent WHERE seq = %s", [victim])

    code, said = verify_command(log)

    assert code == 1
    assert "deleted" in said and f"event {victim} " in said, said
    assert "audit_redaction row" in said, said


def test_a_signed_head_dated_x_is_a_forged_head_and_the_others_still_checked(log):
    head = SignedHead.objects.get()
    forged = (
        "INSERT INTO audit_signedhead (tree_size, root, note, key_hash, signed_at) "
        "VALUES (%s, %s, %s, %s, 'x')",
        [head.tree_size, head.root, head.note, head.key_hash],
    )
    if connection.vendor == "postgresql":
        # Its timestamp column refuses the date: no one who writes the database can store this head there.
        with pytest.raises(DatabaseError), transaction.atomic():
            tamper(*forged)
        return
    tamper(*forged)
    tamper("DELETE FROM audit_logleaf WHERE idx = (SELECT MAX(idx) FROM audit_logleaf)")

    result = verify_log(log)

    kinds = {f.kind for f in result.findings}
    assert "forged head" in kinds and any("audit_signedhead row" in f.detail for f in result.findings)
    assert kinds & {"deleted", "truncated", "rewritten", "head mismatch"}, result


def test_a_published_file_that_is_no_signed_head_is_named_and_the_others_still_checked(log):
    (log / "heads" / "9999.checkpoint").write_bytes(b"\xff\xfe not a note\n")
    (log / "heads" / "9998.checkpoint").write_text("origin\n\u00b2\nAAAA\n\n\u2014 k AAAAAAAA\n")

    code, said = verify_command(log)

    assert code == 1
    assert "9999.checkpoint is no signed head" in said and "9998.checkpoint is no signed head" in said, said
