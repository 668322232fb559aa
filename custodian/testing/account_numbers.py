"""A customer's value as the customer themself reads it through the gate, as the portal reads it: what a test
checks a page or letter names, or that a form saved (the account number on their bills, their phone)."""

from django.utils.formats import date_format

from custodian.vault.gate import customer_actor, reveal


def on_file(customer, field: str, purpose: str) -> str:
    """The customer's value of `field` read for `purpose` ("" for none)."""
    return reveal(
        actor=customer_actor(customer.pk), customer_id=customer.pk, fields=[field], purpose=purpose
    ).get(field, "")


def account_number_of(customer) -> str:
    return on_file(customer, "account_number", "billing")


def portal_label(customer, account) -> str:
    """How the portal names one of the customer's accounts (in English): number, premise and dates."""
    premise = str(account.premise.get_premise_type_display()).lower()
    since = "since" if account.closed_on is None else "closed"
    day = date_format(account.opened_on if account.closed_on is None else account.closed_on, "M j, Y")
    return f"Account {account_number_of(customer)} ({premise}, {since} {day})"
