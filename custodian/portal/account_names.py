"""The customer's accounts as the portal names them: by the account number printed on the bill (read through
the gate as the customer, for billing, once per page: `access.mine`), with the premise's kind and dates, never
by the account's internal id. A representative whose authority leaves out the account number sees the
premise's kind and dates alone."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from custodian.customers.selectors import accounts_of
from custodian.portal.access import mine, portal_actor
from custodian.vault.gate import Denied


def my_account_number(request) -> str:
    """The account number on the customer's bills, read through the gate for billing ("" when the reader may
    not see it)."""
    try:
        return mine(request, ["account_number"], purpose="billing").get("account_number", "")
    except Denied:
        return ""


def accounts_named(request, *, named: bool = True) -> list[tuple]:
    """The accounts of the customer the portal acts for, as the asker may see them, each with its name in the
    page's language (no address: the page shows addresses only through the gate). `named=False` reads
    nothing and names nothing (a step that only checks an account is the customer's)."""
    accounts = list(accounts_of(fetched_by=portal_actor(request), customer_id=request.customer_id))
    if not named:
        return [(a, "") for a in accounts]
    number = my_account_number(request) if accounts else ""
    out = []
    for a in accounts:
        premise = str(a.premise.get_premise_type_display()).lower()
        if number:
            label = (
                _("Account %(number)s (%(premise)s, since %(day)s)")
                if a.is_open
                else _("Account %(number)s (%(premise)s, closed %(day)s)")
            )
        else:
            label = (
                _("Account at the %(premise)s (since %(day)s)")
                if a.is_open
                else _("Account at the %(premise)s (closed %(day)s)")
            )
        day = a.opened_on if a.is_open else a.closed_on
        out.append((a, label % {"number": number, "premise": premise, "day": date_format(day, _("M j, Y"))}))
    return out


def names_of(accounts) -> dict[int, str]:
    """Each account's name by its id, for a page that lists what belongs to an account."""
    return {a.pk: label for a, label in accounts}
