"""Database triggers that keep record tables append-only (used by migrations).

Row triggers refuse UPDATE and DELETE. PostgreSQL's TRUNCATE fires no row trigger, so a statement-level
BEFORE TRUNCATE trigger refuses it too. SQLite has no TRUNCATE (its "truncate optimization" of a bare
DELETE is off on tables with triggers), but `INSERT OR REPLACE` deletes the conflicting row without firing
DELETE triggers unless recursive triggers are on: the settings turn them on for every connection.

What triggers can't stop: whoever owns the tables or is a superuser can disable or drop the triggers, drop
the table, or rewrite every row with `ALTER TABLE … ALTER COLUMN … TYPE … USING`. That is why the access log
is a Merkle tree whose signed heads are kept outside the database (`audit verify --against`).
"""

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

PG_EVENT_FUNCTION = """
CREATE OR REPLACE FUNCTION custodian_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_redaction r WHERE r.event_seq = OLD.seq) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'append-only record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
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
        _make_sqlite_events_append_only(schema_editor)
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


def _make_sqlite_events_append_only(schema_editor):
    schema_editor.execute(
        f"CREATE TRIGGER {EVENTS}_no_update BEFORE UPDATE ON {EVENTS} "
        + _SQLITE_REFUSE.format(op="UPDATE", table=EVENTS)
    )
    unless_redacted = "WHEN NOT EXISTS (SELECT 1 FROM audit_redaction r WHERE r.event_seq = OLD.seq) "
    schema_editor.execute(
        f"CREATE TRIGGER {EVENTS}_no_delete BEFORE DELETE ON {EVENTS} {unless_redacted}"  # noqa: S608
        + _SQLITE_REFUSE.format(op="DELETE", table=EVENTS)
    )


def events_append_only_again(schema_editor):
    """SQLite adds or removes a column of the events by rebuilding their table, which drops its triggers:
    put them back (PostgreSQL alters the table in place and keeps them)."""
    if schema_editor.connection.vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {EVENTS}_no_{op}")
        _make_sqlite_events_append_only(schema_editor)


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
