"""Moments a session gains privilege: the second factor, re-authentication. Each one gets a new session id,
so an id someone learnt before (a fixed or sniffed cookie) is worth nothing afterwards; the password step
already rotates it (django.contrib.auth.login)."""

import time

from django_otp import login as otp_login


def privilege_raised(request) -> None:
    """The user just proved who they are again: new session id, and the time re-authentication counts from."""
    request.session.cycle_key()
    request.session["reauth_at"] = time.time()


def second_factor_passed(request, device) -> None:
    otp_login(request, device)
    privilege_raised(request)


def recently_reauthenticated(request, seconds: int) -> bool:
    return time.time() - request.session.get("reauth_at", 0) < seconds
