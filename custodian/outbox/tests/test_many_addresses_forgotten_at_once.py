"""The retention run forgets the addresses of up to 200 customers together (`retention.forgetting`): the
outbox clears the index of every message sent to any of them in one call, however many addresses that is,
on SQLite as on PostgreSQL, and only theirs."""

from custodian.outbox.forget import address_indexes_forget
from custodian.outbox.services import message_send
from custodian.vault.services import blind_index_of


def test_two_thousand_deleted_addresses_forgotten_in_one_call(db):
    gone = message_send(
        to_address="gone.1999@example.org", template="portal_confirm", context={}, sent_by_job="portal"
    )
    kept = message_send(
        to_address="kept@example.org", template="portal_confirm", context={}, sent_by_job="portal"
    )
    digests = [blind_index_of("email", f"gone.{n}@example.org") for n in range(2000)]

    assert address_indexes_forget(digests=digests) == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.to_address_index == ""
    assert kept.to_address_index == blind_index_of("email", "kept@example.org")
