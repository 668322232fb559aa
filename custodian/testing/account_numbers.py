"""The account number on a customer's bills, as a test checks that a page or letter names it: read through the
gate as the customer themself (for billing), as the portal reads it."""

from django.utils.formats import date_format

from custodian.vault.gate import customer_actor, reveal


def account_number_of(customer) -> str:
    return reveal(
        actor=customer_actor(customer.pk),
        customer_id=customer.pk,
        fields=["account_number"],
        purpose="billing",
    )["account_number"]


def portal_label(customer, account) -> str:
    """How the portal names one of the customer's accounts (in English): number, premise and dates."""
    premise = str(account.premise.get_premise_type_display()).lower()
    since = "since" if account.closed_on is None else "closed"
    day = date_format(account.opened_on if account.closed_on is None else account.closed_on, "M j, Y")
    return f"Account {account_number_of(customer)} ({premise}, {since} {day})"
