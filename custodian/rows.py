"""Many rows into one table with one `executemany`, for the writes of a run over thousands of customers (the
bill run's bills, ledger charges and sealed documents): Django's `bulk_create` prepares every value through
the field's whole save path and spends more time building the statement than the database spends inserting.

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
    adapters = [(f.attname, _adapter(f)) for f in fields]
    # A default is the same for every row (now, for the whole batch): adapted once, not once a row.
    for name, adapt in adapters:
        if adapt is not None and defaults.get(name) is not None:
            defaults[name] = adapt(defaults[name])
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    params = []
    for row in rows:
        values = []
        for name, adapt in adapters:
            if name in row:
                value = row[name]
                values.append(adapt(value) if adapt is not None and value is not None else value)
            elif name in defaults:
                values.append(defaults[name])
            else:
                raise KeyError(f"{model.__name__}.{name} has no value and no default")
        params.append(values)
    with connection.cursor() as cursor:
        for first in range(0, len(params), batch):
            cursor.executemany(sql, params[first : first + batch])
    return len(params)
