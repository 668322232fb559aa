"""The addresses a customer's erasure deletes, forgotten by the outbox too.

A message keeps the blind index of the address it went to (`OutboundMessage.to_address_index`), so it can be
found by address; a keyed digest of a deleted address would let anyone holding the blind-index key confirm
the address was the customer's. When an erasure deletes the customer's e-mail addresses and telephone
numbers, the index of every message sent to them is cleared in the same transaction: every message to the
customer (each went to an address of theirs: the e-mail on file, the one they sign in with, one waiting to be
confirmed, an old one told of a change), and any other whose index is a digest of a deleted value (an
auto-reply to a message the customer sent from it). An online account deleted (erasure, retention) forgets its
sign-in address the same way, and the retention run's shredding of a closed account forgets the customer's
addresses as the erasure does, and its destruction of an earlier value replaced long enough ago forgets that
value's (`retention.forgetting`). The messages themselves, their text sealed as
correspondence, stay as the answer says.
"""

from collections.abc import Iterable

from django.db.models import Q

from custodian.outbox.models import OutboundMessage

_PREFIXES_AT_ONCE = 100


def address_indexes_forget(
    *,
    customer_ids: Iterable[int] = (),
    digests: Iterable[str] = (),
    sent_to: Iterable[tuple[int, str]] = (),
) -> int:
    """Clear the address index of the customers' messages, of any message sent to an address whose digest is
    in `digests` (a digest may be a prefix, as a sign-in's name keeps one), and of the messages to a customer
    at an address, for each (customer id, digest) of `sent_to` (an earlier address of theirs destroyed that
    someone else still gives); in the caller's transaction. How many messages."""
    kept = OutboundMessage.objects.exclude(to_address_index="")
    cleared = kept.filter(to_customer_id__in=list(customer_ids)).update(to_address_index="")
    for customer_id, digest in sorted(set(sent_to)):
        if digest:
            cleared += kept.filter(to_customer_id=customer_id, to_address_index=digest).update(
                to_address_index=""
            )
    # By a few prefixes at a time: the retention run forgets hundreds of customers' addresses together, and a
    # long chain of conditions is more than SQLite parses in one statement.
    prefixes = sorted({d for d in digests if d})
    for start in range(0, len(prefixes), _PREFIXES_AT_ONCE):
        where = Q()
        for digest in prefixes[start : start + _PREFIXES_AT_ONCE]:
            where |= Q(to_address_index__startswith=digest)
        cleared += kept.filter(where).update(to_address_index="")
    return cleared
