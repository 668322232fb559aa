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

What each path deletes of the customer's own values stays its own: the erasure deletes the categories its
answer names, the run destroys the data key and then every sealed value
(`vault.services.customers_data_destroy`), each after this step, which reads the blind indexes it forgets from
the values still there. The online account, and its name in the sign-in records, both paths delete through
`retention.online_accounts`.
"""

from collections.abc import Collection, Sequence

from custodian.casework.forget import inquirers_joined, request_sources_forget
from custodian.outbox.forget import address_indexes_forget
from custodian.retention.online_accounts import sign_in_addresses_forget
from custodian.vault.models import PersonalValue

# The contact details given voluntarily (the account application's notice says so): the addresses messages go
# to and sign in with, and what someone not yet known gives with a request.
CONTACT_FIELDS = ("email", "phone")


def digests_forget(*, customer_ids: Sequence[int], fields: Collection[str] | None = None) -> int:
    """Forget every digest of the customers' values being deleted (of `fields`; all of them when None, as the
    run's shredding), before they go, in the caller's transaction: the outbox's index of every message to the
    customers or to a deleted address or number, the sign-in records' names of the deleted e-mail addresses,
    and the source keys of the customers' requests (a keyed digest of each kept alone, so the same message
    imported again makes nothing); and delete the contact details the customers' verified requests arrived
    with. How many of those values it deleted."""
    ids = sorted({int(c) for c in customer_ids})
    joined = inquirers_joined(ids)
    theirs = PersonalValue.objects.filter(customer_id__in=ids, field__in=CONTACT_FIELDS)
    if fields is not None:
        theirs = theirs.filter(field__in=list(fields))
    arrived_with = PersonalValue.objects.filter(customer_id__in=joined, field__in=CONTACT_FIELDS)
    contact = [*theirs.values_list("field", "blind_index"), *arrived_with.values_list("field", "blind_index")]
    address_indexes_forget(customer_ids=[*ids, *joined], digests=[digest for _field, digest in contact])
    sign_in_addresses_forget([digest for field, digest in contact if field == "email"])
    request_sources_forget(customer_ids=[*ids, *joined])
    deleted, _by_model = arrived_with.delete()
    return deleted
