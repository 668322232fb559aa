"""ESPI scope strings (NAESB REQ.21) as a third party registers them and a customer is shown them.

A scope string names function blocks and the shape of the data: `FB=1_3_4_5_13_14_39;IntervalDuration=3600;
BlockDuration=monthly;HistoryLength=34128000`. Custodian serves the function blocks below and refuses any
other by number, so a customer is never asked to agree to data the utility would not actually send, and a
third party is never given more than the words the customer read.

Also the OAuth library's scopes backend: the scopes a third party may ask for are the ones the privacy
officer approved with its registration, and nothing else (deny by default); with the client credentials
grant (its own view, no customer behind it), only the ESPI administrative scopes."""

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop, ngettext

# The function blocks Custodian serves, in the customer's words (read in their language). The common ones (1
# common data, 3 Connect My Data, 13 security, 14 OAuth, 39 notification of new data) say how, not what: they
# add no data.
SERVED_FUNCTION_BLOCKS = {
    1: "",
    3: "",
    4: gettext_noop("meter readings for each interval"),
    5: gettext_noop("electricity meter readings for each interval"),
    6: gettext_noop("electricity demand"),
    7: gettext_noop("net metering (electricity you take from and send to the grid, netted)"),
    8: gettext_noop("electricity delivered to you and received from you, each on its own"),
    10: gettext_noop("natural gas meter readings"),
    11: gettext_noop("water meter readings"),
    13: "",
    14: "",
    15: gettext_noop("a summary of each bill: its billing period and the use billed"),
    16: gettext_noop("each bill's amounts: what each service cost and each charge, taxes included"),
    18: gettext_noop("every meter of each service"),
    28: gettext_noop("what your use since your last bill has cost so far, at the tariff"),
    39: "",
}
# Function blocks a third party may ask for that Custodian does not serve yet: named in the refusal.
NOT_SERVED = {
    9: "register values",
    12: "costs of interval data",
    17: "power quality",
    27: "usage summaries with demands",
}
# ESPI's retail customer function blocks (51 to 70: RetailCustomer, with the Customer, CustomerAccount,
# CustomerAgreement and ServiceLocation resources: the customer's name, account number, addresses and the
# like). The utility's privacy policy gives a third party meter data and, for usage summaries, the bills
# (`[disclosure_bases.connect_my_data]`), nothing else, and the gate refuses it anything else; so none of
# these is served, and each is refused by number with that reason (docs/decisions.md: "Connect My Data
# gives no retail customer data").
RETAIL_CUSTOMER_BLOCKS = range(51, 71)
RETAIL_CUSTOMER_REFUSAL = (
    "function block {fb} is retail customer data (ESPI RetailCustomer: the customer's name, account, "
    "agreement and service location), which the utility's privacy policy does not give third parties"
)
# The scopes of the tokens a third party obtains for itself with the client credentials grant, as ESPI
# names them: the client access token (function blocks 34 and 35, bulk transfer: its authorisations and the
# bulk feed of all its customers) and the registration access token (36 and 40: its own registration).
CLIENT_ACCESS_SCOPE = "FB=34_35"
REGISTRATION_ACCESS_SCOPE = "FB=36_40"
ADMIN_SCOPES = {
    CLIENT_ACCESS_SCOPE: "the list of its customers' authorizations and their data in one bulk feed",
    REGISTRATION_ACCESS_SCOPE: "its own registration",
}
SECONDS_PER_MONTH = 2_629_800  # a twelfth of a Julian year
DEFAULT_HISTORY_MONTHS = 13
MAX_HISTORY_MONTHS = 36  # the interval store keeps three years (the retention schedule)


class ScopeError(ValueError):
    """A scope string Custodian does not serve; the message names what was wrong."""


@dataclass(frozen=True)
class EspiScope:
    text: str
    function_blocks: tuple[int, ...]
    interval_seconds: int | None  # None: any
    history_months: int

    @property
    def data(self) -> list[str]:
        """What the third party receives, in plain words, in the active language."""
        return [
            gettext(SERVED_FUNCTION_BLOCKS[fb]) for fb in self.function_blocks if SERVED_FUNCTION_BLOCKS[fb]
        ]

    def plain_words(self) -> str:
        """The scope as the customer reads it before agreeing, in the active language."""
        interval = (
            gettext("in %(minutes)s-minute intervals") % {"minutes": self.interval_seconds // 60}
            if self.interval_seconds and self.interval_seconds < 86_400
            else gettext("as the meter records them")
        )
        return ngettext(
            "%(data)s, %(interval)s, going back up to %(months)s month",
            "%(data)s, %(interval)s, going back up to %(months)s months",
            self.history_months,
        ) % {
            "data": "; ".join(self.data) or gettext("no meter data"),
            "interval": interval,
            "months": self.history_months,
        }


def scope_parse(text: str) -> EspiScope:
    """An ESPI scope string, checked: every function block served, the durations numbers or known words."""
    text = (text or "").strip()
    if not text or any(ch.isspace() for ch in text):
        raise ScopeError("a scope is one ESPI scope string, without spaces (FB=…;IntervalDuration=…)")
    parts: dict[str, str] = {}
    for piece in text.split(";"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        if not sep or not value:
            raise ScopeError(f"scope part {piece!r} is not NAME=VALUE")
        parts[name.strip()] = value.strip()
    if "FB" not in parts:
        raise ScopeError("the scope names no function blocks (FB=…)")
    try:
        blocks = tuple(sorted({int(fb) for fb in parts["FB"].split("_")}))
    except ValueError:
        raise ScopeError(f"function blocks {parts['FB']!r} are not numbers joined by _") from None
    for fb in blocks:
        if fb in NOT_SERVED:
            raise ScopeError(f"function block {fb} ({NOT_SERVED[fb]}) is not served yet")
        if fb in RETAIL_CUSTOMER_BLOCKS:
            raise ScopeError(RETAIL_CUSTOMER_REFUSAL.format(fb=fb))
        if fb not in SERVED_FUNCTION_BLOCKS:
            raise ScopeError(f"function block {fb} is not one Custodian serves")
    if 28 in blocks and 16 not in blocks:
        raise ScopeError(
            "function block 28 (the current billing period's cost) comes with 16 (each bill's amounts)"
        )
    if not set(blocks) & {4, 5, 6, 7, 8, 10, 11}:
        raise ScopeError("the scope asks for no meter data (function block 4, 5, 6, 7, 8, 10 or 11)")
    interval = parts.get("IntervalDuration")
    interval_seconds = None
    if interval is not None and interval.lower() not in {"monthly", "daily", "billingperiod"}:
        if not interval.isdigit() or int(interval) <= 0:
            raise ScopeError(f"IntervalDuration {interval!r} is not a number of seconds, daily or monthly")
        interval_seconds = int(interval)
    history = parts.get("HistoryLength")
    months = DEFAULT_HISTORY_MONTHS
    if history is not None:
        if not history.isdigit():
            raise ScopeError(f"HistoryLength {history!r} is not a number")
        value = int(history)
        # The standard counts seconds; some third parties write months. Nobody means 120 seconds.
        months = value if value <= 120 else -(-value // SECONDS_PER_MONTH)
        months = max(1, min(months, MAX_HISTORY_MONTHS))
    return EspiScope(
        text=text, function_blocks=blocks, interval_seconds=interval_seconds, history_months=months
    )


# The function blocks served from the customer's bills (category `bills`, read for the basis's
# `usage_summaries` purpose): with 15 the period and use of each bill, with 16 its amounts too, with 28 (and
# 16) the cost of the use since (billToDate).
BILL_FUNCTION_BLOCKS = {15, 16, 28}


def reads_bills(scope: EspiScope) -> bool:
    return bool(set(scope.function_blocks) & BILL_FUNCTION_BLOCKS)


def services_of_scope(scope: EspiScope) -> set[str]:
    """The services whose usage points the scope can reach: electricity by its blocks (4 alone means
    electricity, as in the standard's examples), gas by 10, water by 11."""
    blocks = set(scope.function_blocks)
    services = set()
    if blocks & {5, 6, 7, 8} or (4 in blocks and not blocks & {10, 11}):
        services.add("electric")
    if 10 in blocks:
        services.add("gas")
    if 11 in blocks:
        services.add("water")
    return services


class _PlainWords(dict):
    """Every parseable scope's plain words, for the OAuth library's `scopes_descriptions`."""

    def __getitem__(self, key):
        if key in ADMIN_SCOPES:
            return ADMIN_SCOPES[key]
        try:
            return scope_parse(key).plain_words()
        except ScopeError as exc:
            return str(exc)

    def __contains__(self, key):
        if key in ADMIN_SCOPES:
            return True
        try:
            scope_parse(key)
        except ScopeError:
            return False
        return True


def _client_credentials(request) -> bool:
    return getattr(request, "grant_type", None) == "client_credentials"


class ApprovedScopes:
    """django-oauth-toolkit's scopes backend: for a customer's authorisation, a third party may ask for the
    scope strings the privacy officer approved with its registration; for its own view (client
    credentials), the administrative scopes and nothing else, so a token without a customer behind it never
    carries a scope that reads meter data. None by default, except the client access scope for a client
    credentials request that names none."""

    def get_all_scopes(self):
        return _PlainWords()

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        third_party = getattr(application, "third_party", None) if application is not None else None
        if third_party is None or not third_party.approved:
            return []
        if _client_credentials(request):
            return list(ADMIN_SCOPES)
        return third_party.scope_list

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return [CLIENT_ACCESS_SCOPE] if _client_credentials(request) else []
