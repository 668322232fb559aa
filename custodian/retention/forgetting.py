"""What outlives a customer's deleted values unless it is forgotten with them, forgotten by one step for every
path that deletes a customer's data: an erasure (`retention.erasure`) and the retention run's crypto-shredding
of a closed account past its period (`retention.services`).

Deleting a sealed value deletes its blind index, but digests of it are kept elsewhere: the outbox's index of
the address each message went to, the names an e-mail address signs in with in the sign-in records (an
account's, or the hash of one typed that was no account's), and the source keys that recognise a request sent
twice (a keyed digest of a form's sender, a hash of an e-mail's Message-ID). And a request verified as the
customer's that arrived from someone not yet known keeps the contact details it came with on the record it
arrived as: the same person, by the verification, whose contact details go with the customer's.
`retention.digests` declares each of these columns forgotten; `digests_forget` forgets them, whichever path
deletes, so a column declared forgotten is forgotten by both (held by
`retention/tests/test_erasure_leaves_no_digest.py`, which runs the scenario down each path).

A path that destroys some of a customer's values and keeps the customer (the run's deletion of values
replaced longer ago than the policy file keeps them, `vault.services.replaced_values_destroy`; what an erasure
kept only until a day, `retention.erasure.erasure_later_finish`) hands this step the values it is about to
destroy (`values=`): the digests of those no value left holds go too (the outbox's index of every message sent
to the address or number, the sign-in records' names of the address), the customer's messages to one someone
else still gives lose theirs, and one the customer gives again, or still signs in with, stays.

What each path deletes of the customer's own values stays its own: the erasure deletes the categories its
answer names, the run destroys the data key and then every sealed value
(`vault.services.customers_data_destroy`), or the values replaced long enough ago, each after this step, which
reads the blind indexes it forgets from the values still there (a digest is the value's only trace once the
value is gone: nothing could find it after). The online account, and its name in the sign-in records, both
paths delete through `retention.online_accounts`.
"""

from collections.abc import Collection, Sequence

from django.db.models import QuerySet

from custodian.casework.forget import inquirers_joined, request_sources_forget
from custodian.outbox.forget import address_indexes_forget
from custodian.retention.online_accounts import sign_in_addresses_forget, sign_in_addresses_held
from custodian.vault.models import PersonalValue

# The contact details given voluntarily (the account application's notice says so): the addresses messages go
# to and sign in with, and what someone not yet known gives with a request.
CONTACT_FIELDS = ("email", "phone")


# How many digests one look-up names: far under what SQLite binds in one statement.
_AT_ONCE = 500


def digests_forget(
    *,
    customer_ids: Sequence[int] = (),
    fields: Collection[str] | None = None,
    values: QuerySet[PersonalValue] | None = None,
) -> int:
    """Forget every digest of the customers' values being deleted (of `fields`; all of them when None, as the
    run's shredding), before they go, in the caller's transaction: the outbox's index of every message to the
    customers or to a deleted address or number, the sign-in records' names of the deleted e-mail addresses,
    and the source keys of the customers' requests (a keyed digest of each kept alone, so the same message
    imported again makes nothing); and delete the contact details the customers' verified requests arrived
    with. How many of those values it deleted.

    With `values`, the values a path is about to destroy while their customers stay: only their digests are
    forgotten, those of no value left (nor of an address an online account signs in with); nothing is
    deleted (0)."""
    if values is not None:
        _values_forget(values)
        return 0
    ids = sorted({int(c) for c in customer_ids})
    joined = inquirers_joined(ids)
    theirs = PersonalValue.objects.filter(customer_id__in=ids, field__in=CONTACT_FIELDS)
    if fields is not None:
        theirs = theirs.filter(field__in=list(fields))
    arrived_with = PersonalValue.objects.filter(customer_id__in=joined, field__in=CONTACT_FIELDS)
    contact = [*theirs.values_list("field", "blind_index"), *arrived_with.values_list("field", "blind_index")]
    # An address or number someone else gives too, or signs in with, is theirs as much: their messages and
    # their sign-in records keep its digest (a shared household address); the customers' own messages lose it
    # all the same (`customer_ids`).
    elsewhere = _held_by_others([*ids, *joined], contact)
    address_indexes_forget(
        customer_ids=[*ids, *joined], digests=[d for f, d in contact if (f, d) not in elsewhere]
    )
    sign_in_addresses_forget([d for f, d in contact if f == "email" and (f, d) not in elsewhere])
    request_sources_forget(customer_ids=[*ids, *joined])
    deleted, _by_model = arrived_with.delete()
    return deleted


def _held_by_others(customer_ids: Sequence[int], contact) -> set[tuple[str, str]]:
    """Which of the (field, blind index) pairs `contact` another customer gives too, or an online account
    not of `customer_ids` signs in with."""
    pairs = sorted({(f, d) for f, d in contact if d})
    others = PersonalValue.objects.exclude(customer_id__in=customer_ids)
    given, signs_in = _digests_held(pairs, others, but_of=customer_ids)
    return {(f, d) for _c, f, d in given} | {("email", d) for d in signs_in}


def _digests_held(
    pairs: Sequence[tuple[str, str]], values: QuerySet[PersonalValue], *, but_of: Sequence[int] = ()
) -> tuple[set[tuple[int, str, str]], set[str]]:
    """Of the (field, blind index) `pairs`: the (customer, field, blind index) of those of `values` that give
    one, and the e-mail digests an online account (but those of the customers `but_of`) signs in with; asked
    `_AT_ONCE` digests at a time."""
    given: set[tuple[int, str, str]] = set()
    signs_in: set[str] = set()
    for start in range(0, len(pairs), _AT_ONCE):
        part = pairs[start : start + _AT_ONCE]
        found = values.filter(blind_index__in=[d for _f, d in part])
        given |= set(found.values_list("customer_id", "field", "blind_index"))
        signs_in |= sign_in_addresses_held([d for f, d in part if f == "email"], but_of=but_of)
    return given, signs_in


def _values_forget(values: QuerySet[PersonalValue]) -> None:
    """Forget the digests of `values` (about to be destroyed, their customers staying) that nothing left
    holds; a customer's messages to an address someone else still gives lose its digest all the same."""
    going = set(
        values.filter(field__in=CONTACT_FIELDS)
        .exclude(blind_index="")
        .values_list("customer_id", "field", "blind_index")
    )
    if not going:
        return
    pairs = sorted({(field, digest) for _c, field, digest in going})
    staying = PersonalValue.objects.exclude(pk__in=values.values("pk"))
    held, signs_in = _digests_held(pairs, staying)
    signing_in = {("email", d) for d in signs_in}
    held_by_anyone = {(f, d) for _c, f, d in held} | signing_in
    gone = [(f, d) for f, d in pairs if (f, d) not in held_by_anyone]
    # An earlier address of the customer's that someone else gives now: the customer's messages to it stop
    # saying so; the other customer's, and the sign-in records (whose the name is), keep it. One an online
    # account signs in with keeps it all.
    theirs_elsewhere = [
        (c, d)
        for c, f, d in going
        if (f, d) in held_by_anyone and (c, f, d) not in held and (f, d) not in signing_in
    ]
    address_indexes_forget(digests=[d for _f, d in gone], sent_to=theirs_elsewhere)
    sign_in_addresses_forget([d for f, d in gone if f == "email"])
