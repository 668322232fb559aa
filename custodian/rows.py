"""Many rows into one table at once, for the writes of a run over thousands of customers (the bill run's
bills, ledger charges and sealed documents): Django's `bulk_create` prepares every value through the field's
whole save path and spends more time building the statement than the database spends inserting. On
PostgreSQL the rows go in with one `COPY` (as the access log's do): the driver's `executemany` sends a
statement per row through its pipeline, several times the client's work of streaming the same rows; elsewhere
one `executemany`.

Values go through the database's own adapters for dates, times and decimals (what the ORM does last); a
column missing from a row takes the field's default, or now for `auto_now_add`, or NULL where allowed. No
signals, no validation: callers have checked their rows, as they would for `bulk_create`.
"""

from collections.abc import Callable, Sequence

from django.db import connection
from django.utils import timezone


def _adapter(field) -> Callable | None:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


def rows_insert(model, rows: Sequence[dict], *, batch: int = 2000) -> int:
    """Insert `rows` (dicts keyed by each field's attribute name, `account_id` for a foreign key) into the
    model's table. Returns the number of rows inserted."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
    names = [f.attname for f in fields]
    required = {n for n in names if n not in defaults}
    for row in rows:  # a set comparison per row, not a lookup per value
        if not row.keys() >= required:
            missing = sorted(required - row.keys())
            raise KeyError(f"{model.__name__}.{missing[0]} has no value and no default")
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver adapts dates, times and decimals itself (Django's adapters for PostgreSQL return
            # them as they are). COPY fires the table's triggers and checks its constraints as INSERT does.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as out:  # noqa: S608
                for row in rows:
                    out.write_row([row[n] if n in row else defaults[n] for n in names])
            return len(rows)
        # Column by column, then zipped into rows: one pass over the rows per column, and a value repeated
        # down a column (a chunk's cycle, issue and due dates) adapted once.
        by_column = []
        for name, field in zip(names, fields, strict=True):
            adapt = _adapter(field)
            default = defaults.get(name)
            if adapt is not None and default is not None:
                default = adapt(default)  # the same for every row (now, for the whole batch)
            if adapt is None:
                by_column.append([row.get(name, default) for row in rows])
                continue
            adapted: dict = {}
            column = []
            for row in rows:
                if name not in row:
                    column.append(default)
                    continue
                value = row[name]
                if value is None:
                    column.append(None)
                    continue
                try:
                    done = adapted.get(value)
                    if done is None:
                        done = adapted[value] = adapt(value)
                except TypeError:  # not hashable: adapted as it is
                    done = adapt(value)
                column.append(done)
            by_column.append(column)
        params = list(zip(*by_column, strict=True))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        for first in range(0, len(params), batch):
            cursor.executemany(sql, params[first : first + batch])
    return len(params)
