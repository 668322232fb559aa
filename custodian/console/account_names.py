"""How the console names an account: "Account 0010000010" (the number printed on the bill) where the member's
own purpose for the page reads account numbers (billing for billing staff, collecting payments for
collections staff), read through the gate and logged like every look; otherwise "Internal ref. 11", its
database id labelled as such, which nobody could read to a customer as their account number. The customer's
page names a customer's accounts by their internal reference (that page shows nothing personal until a
purpose is named); the account's billing page, where the bills are read anyway, names it by its number."""

from custodian.console.access import acts_for, console_actor
from custodian.customers.account_numbers import account_names, internal_ref
from custodian.netaddr import client_ip

__all__ = ["accounts_named", "internal_ref", "naming_purpose"]


def naming_purpose(actor) -> str:
    """The purpose a member of staff reads account numbers for on the billing and collections pages: billing,
    else collecting payments, else none (they see internal references)."""
    if acts_for("billing")(actor):
        return "billing"
    if acts_for("collecting_payments")(actor):
        return "collecting_payments"
    return ""


def accounts_named(request, account_ids, *, purpose: str | None = None) -> dict[int, str]:
    """Each account's name for this member of staff (one read for one customer, the bulk read for a list)."""
    actor = console_actor(request)
    return account_names(
        actor=actor,
        account_ids=list(account_ids),
        purpose=naming_purpose(actor) if purpose is None else purpose,
        client_ip=client_ip(request),
        what_for="the account numbers a console page names",
    )
