"""Unique visitors counted without a cookie, and the campaign a visit came from.

A visitor is counted the way Plausible Analytics counts one: a keyed hash of the site, the client address and
the User-Agent, keyed by a secret that lives one local day. The secret is made at random, kept only in the
shared cache (so every server process counts the same visitor once) and in each process's memory, and
expires at midnight; the previous day's secret is deleted when a new one is made. Once it is gone the stored
codes can't be recomputed from an address, so a visitor can be counted once a day but not followed from one
day to the next, and no code leads back to an address. (Plausible's own implementation is in Elixir and
ClickHouse; the idea is a few lines, so it is written here.)

Campaigns: the `utm_source`, `utm_medium` and `utm_campaign` of a link are kept in their own columns and never
with the path, and only when each looks like a campaign tag (letters, digits and `._+-`, no `@`, at most 60
characters): a tag that could carry an e-mail address or a token is dropped.
"""

import hashlib
import re
import secrets
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

CODE_LENGTH = 16  # hex characters: 64 bits, enough that two visitors of one day don't share a code
_SALT_KEY = "analytics:visitor-salt:{day}"
_salts: dict[date, bytes] = {}  # this process's copy of today's secret (one entry at most)


def _seconds_to_midnight(now: datetime) -> int:
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


def daily_salt(now: datetime | None = None) -> bytes:
    """Today's secret (local day): the same in every process that shares the cache, gone tomorrow."""
    now = timezone.localtime(now)
    day = now.date()
    salt = _salts.get(day)
    if salt is not None:
        return salt
    key = _SALT_KEY.format(day=day.isoformat())
    cache.add(key, secrets.token_hex(32), timeout=_seconds_to_midnight(now))
    shared = cache.get(key)
    # Without a working cache each process keeps its own secret: a visitor may then be counted once per
    # process, never linked across days.
    salt = bytes.fromhex(shared) if shared else secrets.token_bytes(32)
    for earlier in list(_salts):
        cache.delete(_SALT_KEY.format(day=earlier.isoformat()))
    _salts.clear()
    _salts[day] = salt
    return salt


def forget_salts() -> None:
    """Drop this process's secret (tests; a new day does it by itself)."""
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


def campaign_tags(query) -> dict[str, str]:
    """The campaign tags of a request's query (a QueryDict or a dict), cleaned: lower case, or "" where
    absent or not shaped like a tag."""
    tags = {}
    for name in CAMPAIGN_FIELDS:
        value = (query.get(name) or "").strip()
        tags[name] = value.lower() if _TAG.fullmatch(value) else ""
    return tags
