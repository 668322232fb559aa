"""What a member of staff is told when the gate refuses their read: the reason the gate gave and logged, in
words. Staff may know why (the access log they can be shown holds the same reason); a customer's pages keep
one answer for "does not exist" and "not allowed" (`Denied`'s message), and never call this.

Each kind of refusal the gate writes (`decision.py`, and the reads of values, documents and readings) is one
pattern here with its words; `refusal_kind` finds it, and `vault/tests/test_refusals_in_words.py` holds every
refusal `decision.py` writes to a kind, so a new one is worded here before it is shown to anyone."""

import ast
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from custodian.policy.loader import current_policy
from custodian.vault.gate.decision import Denied


@dataclass(frozen=True)
class Kind:
    key: str
    pattern: re.Pattern
    words: object  # a lazy translation, formatted with the pattern's groups in words


def _kind(key: str, pattern: str, words) -> Kind:
    return Kind(key, re.compile(pattern), words)


KINDS = (
    _kind(
        "opted_out",
        r"(?:the customer|\d+ of the customers) opted out of marketing$",
        gettext_lazy("the customer opted out of marketing"),
    ),
    _kind(
        "not_granted",
        r"no support service of the actor may read (?P<category>.+) for (?P<purpose>\S+)$",
        gettext_lazy("none of your support services may see %(category)s for %(purpose)s"),
    ),
    _kind(
        "request_needed",
        r"(?P<purpose>\S+) needs an open request of this customer's owned by your service$",
        gettext_lazy("%(purpose)s needs an open request of this customer's that your support service owns"),
    ),
    _kind(
        "request_not_owned",
        r"request (?P<request>.+) is not an open request of this customer's owned by your service$",
        gettext_lazy(
            "request %(request)s is not an open request of this customer's that your support service owns"
        ),
    ),
    _kind(
        "request_not_open",
        r"request (?P<request>.+) is not an open request of this customer's$",
        gettext_lazy("request %(request)s is not an open request of this customer's"),
    ),
    _kind(
        "not_even_in_an_emergency",
        r"(?P<purpose>\S+) does not allow (?P<categories>.+), even in an emergency$",
        gettext_lazy("%(purpose)s never allows %(categories)s, even in an emergency"),
    ),
    _kind(
        "notice",
        r"(?:(?P<field>\S+) was collected under .+|\d+ of the customers gave the data under a notice), "
        r"which does not name (?P<purpose>\S+)$|\d+ of the customers gave the data under a notice that does "
        r"not name (?P<purpose2>\S+)$",
        gettext_lazy(
            "the customer gave these items under a notice at collection that does not name this purpose"
        ),
    ),
    _kind(
        "held",
        r"held for the privacy officer's approval .+",
        gettext_lazy(
            "held for the privacy officer's approval: you read more customers without a request this hour "
            "than the policy allows"
        ),
    ),
    _kind(
        "request_driven_in_bulk",
        r"(?P<purpose>\S+) is request-driven and can't be used in bulk$",
        gettext_lazy("%(purpose)s is for one customer's open request, never many customers at once"),
    ),
    _kind(
        "destroyed",
        r"(?:destroyed under retention schedule item .+|\d+ of the customers' data was destroyed under the "
        r"retention schedule)$",
        gettext_lazy("the customer's data was destroyed under the retention schedule"),
    ),
    _kind(
        "no_such_customer",
        r"(?:no such customer|\d+ of the ids are not customers)$",
        gettext_lazy("there is no such customer"),
    ),
    _kind(
        "unknown_purpose",
        r"unknown purpose .+$",
        gettext_lazy("that is not a purpose the policy file names"),
    ),
    _kind(
        "unknown_fields",
        r"(?:unknown or no fields .+|no lookup by .+)$",
        gettext_lazy("no item the policy file names was asked for"),
    ),
    _kind(
        "failed_authentication",
        r"(?:.+ failed authentication|customer .+: sealed documents without a data key)$",
        gettext_lazy("a stored item failed its integrity check; tell IT and the privacy officer"),
    ),
    # Refusals of askers other than staff, worded for completeness: a member of staff never reads as these.
    _kind(
        "not_staff",
        r"(?:customers do not read for .+|not self-accessible: .+|outside the representative's authority: .+"
        r"|a customer reads only their own data|system job .+ does not act for .+|.+ does not allow .+"
        r"|vendor function .+ does not act for .+|function does not need .+|third parties do not read for .+"
        r"|third parties never receive .+|unknown actor kind .+|vendors receive customer data only in their "
        r"exports|no consent of this customer in force covers this third party's read"
        r"|.+s do not read in bulk)$",
        gettext_lazy("this read is not one a member of staff makes"),
    ),
)


def refusal_kind(reason: str) -> Kind | None:
    """The kind of refusal a reason written by the gate is, or None."""
    return next((k for k in KINDS if k.pattern.fullmatch(reason or "")), None)


def _labels(written: str, policy) -> str:
    """The items of a list the gate wrote in its reason ("['bank_account', 'email']"), by their labels."""
    try:
        keys = ast.literal_eval(written)
    except (ValueError, SyntaxError):
        return written
    if not isinstance(keys, list | tuple):
        return written
    return "; ".join(
        str(policy.categories[k].in_language().label) if k in policy.categories else str(k) for k in keys
    )


def _in_words(groups: dict) -> dict:
    policy = current_policy()
    words = {}
    for name, value in groups.items():
        if value is None:
            continue
        if name.startswith("purpose") and value in policy.purposes:
            value = policy.purposes[value].in_language().label
        elif name == "category" and value in policy.categories:
            value = policy.categories[value].in_language().label
        elif name == "categories":
            value = _labels(value, policy)
        words[name.rstrip("2")] = value
    return words


def refused_in_words(refusal: Denied) -> str:
    """What a member of staff is told of the gate's refusal: "Not allowed: <the reason, in words>." (a reason
    of no known kind: that their support services may not see these items for this purpose)."""
    kind = refusal_kind(getattr(refusal, "reason", ""))
    if kind is None:
        because = _("your support services may not see these items for this purpose")
    else:
        match = kind.pattern.fullmatch(refusal.reason)
        words = str(kind.words)
        because = words % _in_words(match.groupdict()) if "%(" in words else words
    return _("Not allowed: %(because)s.") % {"because": because}
