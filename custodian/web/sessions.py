"""Database sessions with idle expiry (SESSION_SAVE_EVERY_REQUEST) that do not write on every request.

Django's database sessions push a session's expiry forward by writing its row, in a transaction of its own, on
every request: for a customer clicking through the portal that is one committed write (a WAL flush) per page,
more than most pages' own work. Here an unchanged session whose expiry was pushed forward less than
REFRESH_SECONDS ago is not written again: the stored expiry then lags the last request by at most that long,
so an idle session ends between SESSION_COOKIE_AGE − REFRESH_SECONDS and SESSION_COOKIE_AGE after the last
request, never later. A changed session (sign-in, second factor, re-authentication, a message) is written at
once as before, and a deleted row (signing out elsewhere, offboarding) ends the session at the next request
as before: the row is read on every request."""

from datetime import timedelta

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from custodian.staff.backends import converted

REFRESH_SECONDS = 60
_SELECT: dict[str, str] = {}  # per database connection: the session lookup's SQL


KEY_CHARS = frozenset(VALID_KEY_CHARS)  # the alphabet Django makes session keys of
KEY_MAX_LENGTH = 40  # the session table's key column


class SessionStore(DatabaseSessionStore):
    _stored_expiry = None

    def _validate_session_key(self, key):
        """Only a key Django could have made is looked up: a cookie may carry anything (a quoted cookie's
        octal escapes decode to a NUL, which PostgreSQL refuses in a query with an error, a 500 on every
        page); any other key starts a new session, as an unknown one does."""
        return super()._validate_session_key(key) and len(key) <= KEY_MAX_LENGTH and KEY_CHARS.issuperset(key)

    def _get_session_from_db(self):
        """The session's row unless it has expired, as Django's database sessions read it, in SQL written once
        per process: the ORM compiled the same lookup afresh on every request."""
        stored = None
        if self.session_key:
            connection = connections[router.db_for_read(self.model)]
            sql = _SELECT.get(connection.alias)
            if sql is None:
                q, meta = connection.ops.quote_name, self.model._meta
                data, key, expiry = (
                    q(meta.get_field(f).column) for f in ("session_data", "session_key", "expire_date")
                )
                sql = _SELECT[connection.alias] = (
                    f"SELECT {data}, {expiry} FROM {q(meta.db_table)}"  # noqa: S608 (names from the model)
                    f" WHERE {key} = %s AND {expiry} > %s"
                )
            expiry_field = self.model._meta.get_field("expire_date")
            with connection.cursor() as cursor:
                cursor.execute(
                    sql, [self.session_key, expiry_field.get_db_prep_value(timezone.now(), connection)]
                )
                row = cursor.fetchone()
            if row is not None:
                stored = self.model(
                    session_key=self.session_key,
                    session_data=row[0],
                    expire_date=converted(connection, expiry_field, row[1]),
                )
        if stored is None:
            self._session_key = None  # as Django's: an unknown or expired key starts a new session
        self._stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def _refreshed_recently(self) -> bool:
        if self._stored_expiry is None:
            return False
        last_write = self._stored_expiry - timedelta(seconds=self.get_expiry_age())
        return timezone.now() - last_write < timedelta(seconds=REFRESH_SECONDS)

    def save(self, must_create=False):
        if not must_create and self.session_key is not None:
            self._get_session()  # loads the row (and its stored expiry) unless this request already did
            if not self.modified and self.session_key is not None and self._refreshed_recently():
                return
        super().save(must_create=must_create)
