"""Unique visitors counted without a cookie, and the campaign a visit came from.

A visitor is counted the way Plausible Analytics counts one: a keyed hash of the site, the client address and
the User-Agent, keyed by a secret that lives one local day. The secret is made at random and never written
where backups reach: with Redis configured (a cache held in memory) it is shared there by every server
process, expires at the next local midnight and the previous days' secrets are deleted by name; without Redis
each process keeps its own in memory only (a visitor served by several processes on one day may then be
counted once by each: configure Redis for exact counts). The database cache is never used for it: its table
sits beside the page views and in every backup. Once a day's secret is gone the stored codes can't be
recomputed from an address, so a visitor can be counted once a day but not followed from one day to the next,
and no code leads back to an address. (Plausible's own implementation is in Elixir and ClickHouse; the idea is
a few lines, so it is written here.)

Campaigns: the `utm_source`, `utm_medium` and `utm_campaign` of a link are kept in their own columns and never
with the path, and only when each looks like a campaign's name: letters, digits and `._+-`, at most 60
characters, no `@`, fewer than 7 digits in all (a telephone or account number), and no run of 16 or more
letters and digits mixed (a token). A tag that could name a person is dropped.
"""

import hashlib
import re
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

CODE_LENGTH = 16  # hex characters: 64 bits, enough that two visitors of one day don't share a code
_SALT_KEY = "analytics:visitor-salt:{day}"
_salts: dict[date, bytes] = {}  # this process's copy of today's secret (one entry at most)


def _seconds_to_midnight(now: datetime) -> int:
    """Seconds until the next local midnight, as elapsed time: 23 or 25 hours on the days the clocks change
    (subtracting two wall-clock times of one zone would ignore the change)."""
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, now.tzinfo)
    return max(1, int(midnight.timestamp() - now.timestamp()))


def _shared() -> bool:
    """Whether the secret is shared through the cache: only when the cache is Redis, held in memory."""
    return settings.CUSTODIAN_COUNTERS == "redis"


def _forget_shared(day: date) -> None:
    """Delete the shared secrets of the days before `day` by name, whichever process made them (a process
    started today holds none of them)."""
    cache.delete_many([_SALT_KEY.format(day=(day - timedelta(days=n)).isoformat()) for n in range(1, 8)])


def daily_salt(now: datetime | None = None) -> bytes:
    """Today's secret (local day): shared through Redis when it is configured, this process's own otherwise;
    gone tomorrow."""
    now = timezone.localtime(now)
    day = now.date()
    salt = _salts.get(day)
    if salt is not None:
        return salt
    salt = secrets.token_bytes(32)
    if _shared():
        key = _SALT_KEY.format(day=day.isoformat())
        cache.add(key, salt.hex(), timeout=_seconds_to_midnight(now))
        kept = cache.get(key)
        salt = bytes.fromhex(kept) if kept else salt
        _forget_shared(day)
    _salts.clear()
    _salts[day] = salt
    return salt


def forget_salts() -> None:
    """Drop this process's secret, and the shared ones (tests; a new day does it by itself)."""
    if _shared():
        for earlier in list(_salts):
            cache.delete(_SALT_KEY.format(day=earlier.isoformat()))
    _salts.clear()


def visitor_code(*, site: str, client_address: str, user_agent: str, now: datetime | None = None) -> str:
    """The day's code of one visitor: the same for the same site, address and browser on one local day."""
    digest = hashlib.blake2b(
        f"{site}\n{client_address}\n{user_agent}".encode(),
        key=daily_salt(now),
        digest_size=CODE_LENGTH // 2,
    )
    return digest.hexdigest()


CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
_TAG = re.compile(r"[A-Za-z0-9._+-]{1,60}")
_MIXED_RUN = re.compile(r"[A-Za-z0-9]{16,}")


def _names_a_campaign(value: str) -> bool:
    if not _TAG.fullmatch(value) or sum(c.isdigit() for c in value) >= 7:
        return False
    return not any(any(c.isdigit() for c in run) for run in _MIXED_RUN.findall(value))


def campaign_tags(query) -> dict[str, str]:
    """The campaign tags of a request's query (a QueryDict or a dict), cleaned: lower case, or "" where
    absent or not shaped like a campaign's name."""
    tags = {}
    for name in CAMPAIGN_FIELDS:
        value = (query.get(name) or "").strip()
        tags[name] = value.lower() if _names_a_campaign(value) else ""
    return tags
