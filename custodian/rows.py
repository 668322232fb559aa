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
from datetime import date

from django.db import connection, connections
from django.db.models.query import ModelIterable, ValuesListIterable
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


# Stand-ins for a compiled read's parameters while Django compiles it: values no caller passes, so each is
# found again among the compiled statement's parameters (as it is, as text for a date on SQLite or a number
# compared with a text column, or as a LIKE pattern for a prefix).
_STAND_INS = {
    int: lambda n: -7_340_033 - n,
    # LIKE's special characters in the text stand-in: a lookup that escapes its value for LIKE (SQLite's
    # `__iexact`, `__contains`) then compiles to a parameter no form matches, and is refused.
    str: lambda n: f"\x1fstand-in {n} %_\\\x1f",
    date: lambda n: date(1, 1, 1 + n),
}


class CompiledRead:
    """A read the ORM would compile afresh on every call, compiled once per process and database: `build`
    makes the queryset from keyword arguments of the kinds named (`int`, `str`, `date`), and `rows(**values)`
    runs its statement with each call's values, its rows converted as the ORM converts them. For the small
    reads of every page (a customer's open requests, bills, provenance): compiling such a queryset cost
    Django several times what running it cost the database.

    `build` gives either a `values_list` queryset (rows are tuples) or a queryset of one model's own rows
    with no joins (rows are that model's objects, as the ORM builds them). A parameter may be compared
    (`=`, `<`, `__in` of one value) or matched as a prefix (`__startswith`); a lookup that rewrites it
    otherwise (`__contains`, `__endswith`, `__iexact` on SQLite, where it is a LIKE) is refused when the read
    is compiled, not answered wrongly."""

    def __init__(self, build: Callable, **kinds: type):
        self._build = build
        self._kinds = kinds
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        db = connections[alias]
        stand_ins = {name: _STAND_INS[kind](n) for n, (name, kind) in enumerate(self._kinds.items())}
        qs = self._build(**stand_ins).using(alias)
        objects = qs._iterable_class is ModelIterable
        query = qs.query
        if objects and (query.select_related or query.annotation_select or query.deferred_loading[0]):
            raise TypeError("a compiled read of objects reads one model's own columns, nothing joined")
        if not objects and qs._iterable_class is not ValuesListIterable:
            raise TypeError("a compiled read gives a values_list's tuples or one model's objects")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        forms = []
        for name, value in stand_ins.items():
            forms.append((value, name, None))  # (the stand-in as compiled, its name, how a value is written)
            if isinstance(value, date | int):  # a date on SQLite, a number compared with a text column
                forms.append((str(value), name, str))
            if isinstance(value, str):
                like = db.ops.prep_for_like_query(value) + "%"
                forms.append((like, name, lambda v, db=db: db.ops.prep_for_like_query(v) + "%"))
        slots, found = [], set()
        for param in params:
            same = (slot for form, *slot in forms if type(param) is type(form) and param == form)
            slot = next(same, None)
            if slot is None:
                slots.append((None, param))  # a constant of the read
            else:
                slots.append(tuple(slot))
                found.add(slot[0])
        if found != set(stand_ins):
            raise ValueError(f"parameters not found in the compiled read: {sorted(set(stand_ins) - found)}")
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(columns).items())
        model_fields = [f.attname for f in qs.model._meta.concrete_fields] if objects else None
        if objects and len(model_fields) != compiler.col_count:
            raise TypeError("a compiled read of objects reads every column of its model")
        model = qs.model if objects else None
        compiled = self._compiled[alias] = (sql, slots, converters, model, model_fields)
        return compiled

    def rows(self, *, using: str = "default", **values) -> list:
        sql, slots, converters, model, model_fields = self._compiled.get(using) or self._compile(using)
        # A slot is (None, a constant of the read) or (a parameter's name, how its value is written or None).
        params = [
            how if name is None else values[name] if how is None else how(values[name]) for name, how in slots
        ]
        db = connections[using]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            converted_rows = []
            for row in rows:
                row = list(row)
                for pos, (convs, expression) in converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, db)
                    row[pos] = value
                converted_rows.append(row)
            rows = converted_rows
        if model is not None:
            return [model.from_db(using, model_fields, row) for row in rows]
        return [tuple(row) for row in rows]
