"""Database triggers that keep record tables append-only (used by migrations).

Row triggers refuse UPDATE and DELETE. PostgreSQL's TRUNCATE fires no row trigger, so a statement-level
BEFORE TRUNCATE trigger refuses it too. SQLite has no TRUNCATE (its "truncate optimization" of a bare
DELETE is off on tables with triggers), but `INSERT OR REPLACE` deletes the conflicting row without firing
DELETE triggers unless recursive triggers are on: the settings turn them on for every connection.

What triggers can't stop: whoever owns the tables or is a superuser can disable or drop the triggers, drop
the table, or rewrite every row with `ALTER TABLE … ALTER COLUMN … TYPE … USING`. That is why the access log
is a Merkle tree whose signed heads are kept outside the database (`audit verify --against`).
"""

from custodian.policy.loader import RETENTION_FLOORS

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION custodian_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def make_append_only(schema_editor, tables, label="this record"):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION custodian_append_only()"
            )
            make_truncate_refused(schema_editor, [table])
        elif vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{label} is append-only: {op} on {table} refused'); END"
                )


def make_truncate_refused(schema_editor, tables):
    """PostgreSQL only: TRUNCATE bypasses row triggers; refuse it with a statement-level trigger."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION custodian_append_only()"
        )


def drop_append_only(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


# The access log's own tables. Events may be deleted only once their redaction is recorded (the leaf stays
# in the tree); a tile may only grow (a partial tile gains hashes at its end, nothing else changes).
EVENTS, TILES = "audit_accessevent", "audit_tile"


def _pg_event_function(redacted: str) -> str:
    """PostgreSQL's guard of the events: a row is deleted only where `redacted` (an EXISTS query on the row
    being deleted, OLD) finds its redaction; every other update or delete is refused."""
    return f"""
CREATE OR REPLACE FUNCTION custodian_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS ({redacted}) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


# Before redactions were sealed (0010): a redaction row naming the event was enough.
PG_EVENT_FUNCTION = _pg_event_function("SELECT 1 FROM audit_redaction r WHERE r.event_seq = OLD.seq")
PG_TILE_FUNCTION = """
CREATE OR REPLACE FUNCTION custodian_tile_grows_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.level = OLD.level AND NEW.idx = OLD.idx
       AND length(NEW.hashes) > length(OLD.hashes)
       AND substring(NEW.hashes from 1 for length(OLD.hashes)) = OLD.hashes THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def make_log_tables_append_only(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, None)
        schema_editor.execute(PG_EVENT_FUNCTION, None)
        schema_editor.execute(PG_TILE_FUNCTION, None)
        schema_editor.execute(
            f"CREATE TRIGGER {EVENTS}_append_only BEFORE UPDATE OR DELETE ON {EVENTS} "
            f"FOR EACH ROW EXECUTE FUNCTION custodian_event_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TILES}_append_only BEFORE UPDATE OR DELETE ON {TILES} "
            f"FOR EACH ROW EXECUTE FUNCTION custodian_tile_grows_only()"
        )
        make_truncate_refused(schema_editor, [EVENTS, TILES])
    elif vendor == "sqlite":
        _make_sqlite_events_append_only(schema_editor, sealed_redactions=False)  # as 0004 made it
        schema_editor.execute(
            f"CREATE TRIGGER {TILES}_no_update BEFORE UPDATE ON {TILES} "
            "WHEN NOT (NEW.level = OLD.level AND NEW.idx = OLD.idx "
            "AND length(NEW.hashes) > length(OLD.hashes) "
            "AND substr(NEW.hashes, 1, length(OLD.hashes)) = OLD.hashes) "
            + _SQLITE_REFUSE.format(op="UPDATE", table=TILES)
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TILES}_no_delete BEFORE DELETE ON {TILES} "
            + _SQLITE_REFUSE.format(op="DELETE", table=TILES)
        )


_SQLITE_REFUSE = "BEGIN SELECT RAISE(ABORT, 'the access log is append-only: {op} on {table} refused'); END"


def _make_sqlite_events_append_only(schema_editor, sealed_redactions: bool):
    schema_editor.execute(
        f"CREATE TRIGGER {EVENTS}_no_update BEFORE UPDATE ON {EVENTS} "
        + _SQLITE_REFUSE.format(op="UPDATE", table=EVENTS)
    )
    _make_sqlite_events_delete(schema_editor, sealed_redactions)


def _make_sqlite_events_delete(schema_editor, sealed_redactions: bool) -> None:
    if sealed_redactions:
        unless_redacted = f"WHEN NOT EXISTS ({SQLITE_REDACTED}) "
    else:
        unless_redacted = "WHEN NOT EXISTS (SELECT 1 FROM audit_redaction r WHERE r.event_seq = OLD.seq) "
    schema_editor.execute(
        f"CREATE TRIGGER {EVENTS}_no_delete BEFORE DELETE ON {EVENTS} {unless_redacted}"  # noqa: S608
        + _SQLITE_REFUSE.format(op="DELETE", table=EVENTS),
        None,
    )


def events_append_only_again(schema_editor, sealed_redactions: bool = True):
    """SQLite adds or removes a column of the events by rebuilding their table, which drops its triggers:
    put them back (PostgreSQL alters the table in place and keeps them). Migrations from before redactions
    were sealed (0010) put back the delete trigger of their time (`sealed_redactions` false)."""
    if schema_editor.connection.vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_{op}")
        _make_sqlite_events_append_only(schema_editor, sealed_redactions)


# An event's row may be deleted only under a redaction that names it as the system makes one (0010): its
# number, its leaf (the position the tree holds it at, and the hash the tile holds there), its own time, a
# seal, and that time older than the least period the policy file may give the access log
# (`RETENTION_FLOORS`, a year of 365 days, never more than the policy's years). The database can read neither
# the policy file nor the sealing key: `audit verify` checks the seal and the policy's period
# (custodian.audit.redaction). Written without `%`, which a driver may read as a placeholder.
REDACTION_FLOOR_SECONDS = RETENTION_FLOORS["access_log_years"] * 365 * 86400
_REDACTION_NAMES_ITS_EVENT = (
    "SELECT 1 FROM audit_redaction r "
    "JOIN audit_logleaf l ON l.event_seq = r.event_seq AND l.idx = r.leaf_index "
    "JOIN audit_tile t ON t.level = 0 AND t.idx = r.leaf_index / 256 "
    "WHERE r.event_seq = OLD.seq AND r.at_us = OLD.at_us AND length(r.seal) = 40 "
)
SQLITE_REDACTED = (
    _REDACTION_NAMES_ITS_EVENT
    + "AND lower(hex(substr(t.hashes, (r.leaf_index - r.leaf_index / 256 * 256) * 32 + 1, 32))) "
    "= r.leaf_hash "
    f"AND r.at_us < (CAST((julianday('now') - 2440587.5) * 86400 AS INTEGER) - {REDACTION_FLOOR_SECONDS}) "
    "* 1000000"
)
PG_EVENT_FUNCTION_SEALED_REDACTIONS = _pg_event_function(
    _REDACTION_NAMES_ITS_EVENT
    + "AND encode(substring(t.hashes from (mod(r.leaf_index, 256) * 32 + 1)::int for 32), 'hex') "
    "= r.leaf_hash "
    f"AND r.at_us < (extract(epoch from now())::bigint - {REDACTION_FLOOR_SECONDS}) * 1000000"
)


def events_deleted_only_under_sealed_redactions(schema_editor, sealed: bool = True):
    """The events' delete trigger asks what a sealed redaction holds (0010); `sealed` false: as before."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_EVENT_FUNCTION_SEALED_REDACTIONS if sealed else PG_EVENT_FUNCTION, None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_delete")
        _make_sqlite_events_delete(schema_editor, sealed)


def drop_log_tables_append_only(schema_editor):
    vendor = schema_editor.connection.vendor
    for table in (EVENTS, TILES):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


# Every new event is queued for the sequencer by the database itself, in the writer's transaction, so no
# writer can forget it. On PostgreSQL one statement-level trigger queues a whole COPY at once.
# (The queue of one row per event, as migrations 0004 to 0006 made it; 0007 replaced it.)
PG_QUEUE_FUNCTION = """
CREATE OR REPLACE FUNCTION custodian_event_queue() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_pendingevent (event_seq) SELECT seq FROM new_events;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _make_pg_queue(schema_editor, function: str) -> None:
    schema_editor.execute(function, None)
    schema_editor.execute(
        f"CREATE TRIGGER {EVENTS}_queue AFTER INSERT ON {EVENTS} REFERENCING NEW TABLE AS new_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION custodian_event_queue()"
    )


def make_event_queue(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _make_pg_queue(schema_editor, PG_QUEUE_FUNCTION)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {EVENTS}_queue AFTER INSERT ON {EVENTS} "  # noqa: S608
            "BEGIN INSERT INTO audit_pendingevent (event_seq) VALUES (NEW.seq); END"
        )


def drop_event_queue(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_queue ON {EVENTS}")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_queue")


# The queue as runs of consecutive numbers (PostgreSQL only; SQLite needs none: custodian.audit.tree). A
# statement's events are numbered one after another unless a concurrent writer took numbers in between: the
# trigger groups them into runs (a number minus its rank is the same along a run), usually one.
PG_RUNS_QUEUE_FUNCTION = """
CREATE OR REPLACE FUNCTION custodian_event_queue() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_pendingevent (first_seq, last_seq)
    SELECT MIN(seq), MAX(seq)
    FROM (SELECT seq, seq - ROW_NUMBER() OVER (ORDER BY seq) AS run FROM new_events) numbered
    GROUP BY run;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def make_runs_queue(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _make_pg_queue(schema_editor, PG_RUNS_QUEUE_FUNCTION)
