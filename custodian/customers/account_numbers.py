"""How an account is named to people: by the account number printed on the bill, never by its internal id.

An account's primary key is the database's: it means nothing to a customer and must never look like their
account number. The number a customer knows is the one on their bill (the bill run copies it into every
bill's sealed content); it is personal data (category `account_number`, sealed per customer in the vault), so
it is read only through the gate, for the purpose of the page or letter that shows it: one read for one
customer, the gate's bulk read (one decision, one access event per customer) for a run of letters or a
working list. A reader whose purpose does not reach it gets no number and the page names the account
neutrally instead (`internal_ref`: "Internal ref. 11" in the console, which no one could take for an
account number).
"""

from collections.abc import Sequence

from custodian.audit.actions import Action
from custodian.customers.models import Account
from custodian.vault.gate import Actor, Denied, reveal, reveal_many

FIELD = "account_number"


def account_numbers(
    *,
    actor: Actor,
    customer_ids: Sequence[int],
    purpose: str,
    client_ip: str = "",
    what_for: str = "",
    action: Action = Action.BULK_REVEAL,
) -> dict[int, str]:
    """Each customer's account number, read through the gate as `actor` for `purpose`. One customer: one
    read (refused, held or destroyed: no number, so the caller names the account neutrally). Several: the
    gate's bulk read, which answers for all of them or raises `Denied` (a letter run stops and says why
    rather than send letters that name no account). Customers with no number on file are absent."""
    ids = sorted({int(c) for c in customer_ids})
    if not ids:
        return {}
    if len(ids) == 1:
        try:
            values = {
                ids[0]: reveal(
                    actor=actor, customer_id=ids[0], fields=[FIELD], purpose=purpose, client_ip=client_ip
                )
            }
        except Denied:
            return {}
    else:
        values = reveal_many(
            actor=actor,
            customer_ids=ids,
            fields=[FIELD],
            purpose=purpose,
            client_ip=client_ip,
            what_for=what_for,
            action=action,
        )
    return {cid: v[FIELD] for cid, v in values.items() if v.get(FIELD)}


def internal_ref(account_id: int) -> str:
    """The console's neutral name of an account whose number the reader may not see: its internal reference,
    labelled as such so that no one reads it to a customer as their account number."""
    return f"Internal ref. {account_id}"


def account_names(
    *, actor: Actor, account_ids: Sequence[int], purpose: str, client_ip: str = "", what_for: str = ""
) -> dict[int, str]:
    """Each account's name for a staff page: "Account <number>" where `purpose` lets `actor` read the
    number (one read for one customer, the bulk read for a list), else its internal reference. A refused
    read names every account neutrally; nothing is shown that was not read."""
    ids = sorted({int(a) for a in account_ids})
    if not purpose:  # the reader acts for no purpose that reads it: nothing asked, nothing logged
        return {a: internal_ref(a) for a in ids}
    owners = dict(Account.objects.filter(pk__in=ids).values_list("pk", "customer_id"))
    try:
        numbers = account_numbers(
            actor=actor,
            customer_ids=list(owners.values()),
            purpose=purpose,
            client_ip=client_ip,
            what_for=what_for or "the account numbers a page names",
        )
    except Denied:
        numbers = {}
    return {a: f"Account {numbers[owners[a]]}" if owners.get(a) in numbers else internal_ref(a) for a in ids}
