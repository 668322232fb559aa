"""Bank details shown with all but their last four digits hidden, wherever a person reads them: on every
surface of staff, always (the console's customer page, a data request's package and its letter, a correction
notice, the API's reveal, a disclosure's package: no task of staff needs the whole number), and on the
portal's pages and downloads until the customer re-enters their password (`custodian.portal.access.mine`);
everything that is written down and travels (a letter, its copy in the portal, the mailing house's file, a
notice to a past recipient) carries the last four digits only, since a letter can't ask for the password.
The whole number leaves only in the bank's debit file (encrypted to the bank,
`custodian.payments.nacha`) and to the customer themself, in the download made after re-entering the
password. `custodian/vault/tests/test_bank_details_masked_on_every_surface.py` walks every surface."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# A session left open, or taken over, does not show where the money comes from; nor does a letter opened by
# someone else in the house or lost in the mail. The routing number is public, but it is masked the same
# way so that the bank details read the same wherever they are shown.
MASKED_UNTIL_REAUTH = ("bank_account",)


def last_four(value: str) -> str:
    """Every digit but the last four hidden: `routing 555000005 account 123456789` →
    `routing ••••••••• account •••••6789`."""
    keep = len(re.findall(r"\d", value)) - 4
    out = []
    for ch in value:
        if ch.isdigit() and keep > 0:
            out.append("•")
            keep -= 1
        else:
            out.append(ch)
    return "".join(out)


def shown_masked(field: str, value: str) -> str:
    """`value` of `field` as it may be shown without the password re-entered (most fields: as it is)."""
    return last_four(value) if field in MASKED_UNTIL_REAUTH and value else value


def masked(values: dict[str, str]) -> dict[str, str]:
    """`{field: value}` with each field of MASKED_UNTIL_REAUTH masked."""
    return {f: shown_masked(f, v) for f, v in values.items()}


# A bank account as the vault holds it, its digits masked or not: the parts the words are made of.
_BANK_ACCOUNT = re.compile(
    r"^\s*routing\s+(?P<routing>[0-9•]+)\s+account\s+(?P<account>[0-9A-Za-z•-]+)"
    r"(?:\s+(?P<kind>checking|savings))?\s*$",
    re.I,
)
_ACCOUNT_KINDS = {
    "checking": pgettext_lazy("bank account", "checking"),
    "savings": pgettext_lazy("bank account", "savings"),
}


def bank_account_words(value: str) -> str:
    """A bank account as the vault holds it (`routing 555000005 account 123456789 checking`, in English,
    as the bank's debit file reads it), its digits masked or not, in the reader's language from its parts:
    "routing ••••••••• account •••••6789 checking", "ruta ••••••••• cuenta •••••6789 (corriente)". A value
    of another form is shown as it is."""
    parts = _BANK_ACCOUNT.match(value or "")
    if parts is None:
        return value
    if parts["kind"] is None:
        return _("routing %(routing)s account %(account)s") % parts.groupdict()
    return _("routing %(routing)s account %(account)s %(kind)s") % {
        **parts.groupdict(),
        "kind": _ACCOUNT_KINDS[parts["kind"].lower()],
    }


def shown_words(field: str, value: str) -> str:
    """A value held as a person reads it in their language: a bank account worded from its parts
    (`bank_account_words`), every other value as it is. Every page, file and letter that shows a value the
    customer gave us shows it through this."""
    return bank_account_words(value) if field == "bank_account" and isinstance(value, str) else value
