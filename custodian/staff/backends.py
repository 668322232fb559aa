"""Password sign-in (Django's ModelBackend), with the signed-in user read on each request in one query
together with what every page asks of them next: the customer's portal sign-in and customer record (the
language they chose), if any, and whether they chose an authenticator app (the portal asks for its code every
time). The three lookups were a query each on every request; as one query they say the same, read at the same
moment.

The query is written once per process from the models' own fields and run on the connection's cursor, and
the user, sign-in and customer are built from its row with each field's own conversion from the database, as
the ORM's `select_related` builds them: the ORM compiled the same joins afresh on every request, which cost
more than everything else a portal request does before its view (custodian.web.sessions reads the session
the same way). Same tables, same conditions, same objects."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django_otp.plugins.otp_totp.models import TOTPDevice


def converted(connection, field, value):
    """A column's value as the ORM gives it for `field` (aware date-times on SQLite, booleans, …)."""
    expression = field.get_col(field.model._meta.db_table)
    for convert in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
        value = convert(value, expression, connection)
    return value


class _UserQuery:
    """The joined query and how to build its objects, for one database connection."""

    def __init__(self, connection):
        user_model = get_user_model()
        reverse = user_model._meta.get_field("portal_account")  # the portal sign-in, if any
        account_model = reverse.related_model
        to_customer = account_model._meta.get_field("customer")
        customer_model = to_customer.related_model
        self.models = (
            (user_model, list(user_model._meta.concrete_fields)),
            (account_model, list(account_model._meta.concrete_fields)),
            (customer_model, list(customer_model._meta.concrete_fields)),
        )
        self.reverse, self.to_user, self.to_customer = reverse, reverse.remote_field, to_customer
        q = connection.ops.quote_name
        tables = [q(m._meta.db_table) for m, _ in self.models]
        columns = ", ".join(
            f"{alias}.{q(f.column)}"
            for alias, (_, fields) in zip("uac", self.models, strict=True)
            for f in fields
        )
        totp, user_pk = TOTPDevice._meta, q(user_model._meta.pk.column)
        device_user, device_confirmed = (q(totp.get_field(f).column) for f in ("user", "confirmed"))
        confirmed = (
            f"SELECT 1 FROM {q(totp.db_table)} d WHERE d.{device_user} = u.{user_pk} AND d.{device_confirmed}"  # noqa: S608
        )
        self.sql = (
            f"SELECT {columns}, EXISTS({confirmed}) FROM {tables[0]} u"  # noqa: S608 (names from the models)
            f" LEFT JOIN {tables[1]} a ON a.{q(self.to_user.column)} = u.{user_pk}"
            f" LEFT JOIN {tables[2]} c ON c.{q(customer_model._meta.pk.column)} = a.{q(to_customer.column)}"
            f" WHERE u.{user_pk} = %s"
        )

    def build(self, connection, row):
        objects, at = [], 0
        for model, fields in self.models:
            values = row[at : at + len(fields)]
            at += len(fields)
            if values[0] is None:  # no portal sign-in (staff), so no customer either
                objects.append(None)
                continue
            values = [converted(connection, f, v) for f, v in zip(fields, values, strict=True)]
            objects.append(model.from_db(connection.alias, [f.attname for f in fields], values))
        user, account, customer = objects
        self.reverse.set_cached_value(user, account)  # user.portal_account (None: RelatedObjectDoesNotExist)
        if account is not None:
            self.to_user.set_cached_value(account, user)
            self.to_customer.set_cached_value(account, customer)
            self.to_customer.remote_field.set_cached_value(customer, account)
        user.confirmed_totp_at_load = bool(row[at])
        return user


_QUERIES: dict[str, _UserQuery] = {}


class UserWithSignInBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 (a session holding no valid id signs no one in, as the ORM's lookup)
            return None
        connection = connections[router.db_for_read(user_model)]
        query = _QUERIES.get(connection.alias)
        if query is None:
            query = _QUERIES[connection.alias] = _UserQuery(connection)
        with connection.cursor() as cursor:
            cursor.execute(query.sql, [user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        user = query.build(connection, row)
        return user if self.user_can_authenticate(user) else None
