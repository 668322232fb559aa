"""django-axes, told to keep what a security record needs and nothing a customer typed.

Axes records every failed sign-in (and every sign-in) with the user name, the address, the user agent and
the form as posted. For the portal that meant the customer's e-mail address in clear, and everywhere
whatever someone typed as a user name (often their own e-mail address). Here:

- the form as posted is never stored (`post_data`, `get_data` stay empty): the user name is enough to lock;
- a user name is stored only when it is an account's (a staff user name, or a portal sign-in's, which is
  already the blind index of the address); anything else as a keyed hash, which still counts failures;
- a customer's address and browser (sign-in, confirm-it-is-you and sign-up pages of the portal) are stored
  as analytics keeps them: the address masked to /24 or /48, the browser as family, major version and OS.
  Staff sign-ins keep the whole address and user agent: they are security records of the utility's own
  people (docs/decisions.md);
- log lines name only the page, not the person;
- a name the records keep (an account's, or the hash of one typed) is forgotten when what it stands for is
  deleted, an online account or a customer's erased e-mail address: the log keeps its entries without it
  (`sign_in_names_forget`);
- portal sign-ins lock by account only (a masked address is shared by neighbours); the portal's sign-in
  also counts attempts per whole address in the cache, under a salted hash, never stored.
"""

from collections.abc import Iterable

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from custodian.analytics.capture import agent
from custodian.netaddr import client_ip, recorded_address

CUSTOMER_AREA = "/portal/"


def is_customer_request(request) -> bool:
    return bool(request is not None and request.path_info.startswith(CUSTOMER_AREA))


def stored_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: an account's user name, or a keyed hash of what was typed."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    if typed is None:
        return None
    if get_user_model().objects.filter(username=typed).exists():
        return typed
    return _unknown_name(typed)


_UNKNOWN = "custodian.lockout.username"


def _unknown_name(typed: str, secret: str | None = None) -> str:
    """The keyed hash a typed user name that is no account's is kept as (under the site's key or `secret`)."""
    return "unknown-" + salted_hmac(_UNKNOWN, typed, secret=secret, algorithm="sha256").hexdigest()[:32]


def sign_in_names_forget(names: Iterable[str]) -> int:
    """Forget `names` in the sign-in records, as kept (an account's name) or as the keyed hash a name that was
    no account's is kept as (under the site's key or one it replaced that still verifies), in the caller's
    transaction: the log of sign-ins and of failures stays, without the name; the running count of failures
    under a name (one row per name, address and browser, so two cleared at one address would be one) goes,
    as nobody signs in with it any more. How many records."""
    names = {n for n in names if n}
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    stored = names | {_unknown_name(n, secret) for n in names for secret in secrets}
    counts, _by_model = AccessAttempt.objects.filter(username__in=stored).delete()
    return counts + sum(
        log.objects.filter(username__in=stored).update(username="") for log in (AccessFailureLog, AccessLog)
    )


def stored_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: through trusted proxies only; a customer's masked to its network."""

    address = client_ip(request) or None
    if address and is_customer_request(request):
        return recorded_address(address, customer=True).split("/")[0] or None
    return address


def lockout_parameters(request, credentials):
    """AXES_LOCKOUT_PARAMETERS: staff by account, and one machine spraying many user names; customers by
    account only (the address bucket is the portal's own rate limit)."""
    if is_customer_request(request):
        return ["username"]
    return ["username", ["ip_address", "user_agent"]]


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the page of a locked sign-in, 429. A customer reads that the account is locked
    for the cool-off after repeated failed sign-ins, whatever network they come from, and that a password
    reset works meanwhile; an address with no account locks the same way and reads the same page, so the
    page tells nobody whether an address has an account. Staff read that IT can unlock them."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    # The customer's page is the portal's (its words in the customer's language, checked with the portal's).
    template = "portal/sign_in_locked.html" if is_customer_request(request) else "staff/locked.html"
    return render(request, template, {"minutes": minutes}, status=429)


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """AXES_CLIENT_STR_CALLABLE: what axes writes in log lines."""
    return f'{{path_info: "{path_info}"}}'


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, storing less (see the module's docstring)."""

    @staticmethod
    def _store_less(request) -> None:
        if request is None or getattr(request, "_custodian_stored_less", False):
            return
        request._custodian_stored_less = True
        if is_customer_request(request):
            seen = agent(request.META.get("HTTP_USER_AGENT", ""))
            request.axes_user_agent = f"{seen.browser} {seen.browser_major} / {seen.os} / {seen.device}"[:255]

    def is_allowed(self, request, credentials=None):
        self._store_less(request)
        return super().is_allowed(request, credentials)

    def is_locked(self, request, credentials=None):
        self._store_less(request)
        return super().is_locked(request, credentials)

    def get_failures(self, request, credentials=None):
        self._store_less(request)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        self._store_less(request)
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes copies the posted form and query string into the record: give it empty ones.
        posted, query = request.POST, request.GET
        request.POST, request.GET = QueryDict(), QueryDict()
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            request.POST, request.GET = posted, query

    def user_logged_in(self, sender, request, user, **kwargs):
        self._store_less(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        self._store_less(request)
        return super().user_logged_out(sender, request, user, **kwargs)
