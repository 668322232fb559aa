"""Attempt counters shared by every server process and kept across restarts: the rate limits of the public
forms and the portal (custodian.web.protection). Failed sign-ins and lockouts are counted by django-axes in
the database (custodian.staff.lockout), second-factor failures by django-otp on the device row: both shared
already.

Where the counts live:

- Redis, when REDIS_URL is set (the `default` cache is then Django's Redis cache): `add` then `incr`, each
  one atomic command on the server.
- Otherwise the database (PostgreSQL or SQLite): one row per counter in `web_ratecount`, counted by a single
  INSERT … ON CONFLICT DO UPDATE … RETURNING statement. Django's database cache is not used for counting:
  its `incr` reads the value and writes it back, so two processes counting at once lose an attempt.

A counter's key is a keyed hash of what is counted (an address, an account number), never the value itself.
"""

import random
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from custodian.web.models import RateCount

_TABLE = RateCount._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (key, count, window_ends) VALUES (%s, 1, %s) "  # noqa: S608 (table name is ours)
    f"ON CONFLICT (key) DO UPDATE SET "
    f"count = CASE WHEN {_TABLE}.window_ends <= %s THEN 1 ELSE {_TABLE}.count + 1 END, "
    f"window_ends = CASE WHEN {_TABLE}.window_ends <= %s THEN excluded.window_ends "
    f"ELSE {_TABLE}.window_ends END "
    f"RETURNING count"
)
# About one count in this many also deletes the counters whose window is over.
PURGE_ONE_IN = 200


def backend() -> str:
    return "redis" if settings.CUSTODIAN_COUNTERS == "redis" else "database"


def count_attempt(key: str, window_seconds: int) -> int:
    """One more attempt under `key`; returns the attempts counted in the current window (this one included).
    The window starts at a key's first attempt and lasts `window_seconds`."""
    if backend() == "redis":
        if cache.add(key, 1, window_seconds):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, window_seconds)
            return 1
    now = int(time.time())
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, now + window_seconds, now, now])
        (count,) = cursor.fetchone()
        if random.randrange(PURGE_ONE_IN) == 0:
            cursor.execute(f"DELETE FROM {_TABLE} WHERE window_ends <= %s", [now])  # noqa: S608
    return count


def attempts_counted(key: str) -> int:
    """The attempts counted under `key` in its current window, counting none: for a limit on failures only,
    asked before the attempt and counted after it fails."""
    if backend() == "redis":
        return int(cache.get(key) or 0)
    counted = RateCount.objects.filter(key=key, window_ends__gt=int(time.time()))
    return counted.values_list("count", flat=True).first() or 0


def counters_clear() -> None:
    """Forget every count (tests, and IT after lifting a block by hand)."""
    if backend() == "redis":
        # Only the counters: the Redis database may hold other keys (and other applications' keys).
        client = cache._cache.get_client(write=True)
        pattern = cache.make_key("rate:*")
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)
    else:
        RateCount.objects.all().delete()
