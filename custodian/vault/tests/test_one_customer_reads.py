"""A read of one customer's interval readings or sealed documents finds the customer and their data key in one
query, and opens what it read with that key: the same values, the same access event, one query less; a
customer without a key (nothing sealed yet) reads nothing, without an error. A read that names its documents
opens those and no other."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.testing import correspondence_read
from custodian.vault import _crypto
from custodian.vault.choices import Channel as ProvenanceChannel
from custodian.vault.gate import Denied, customer_actor, reveal_documents, reveal_intervals
from custodian.vault.interval_files import IntervalBlock, month_bounds
from custodian.vault.models import DataKey
from custodian.vault.services import Submission, document_seal, interval_blocks_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")


def _key_lookups(queries) -> list[str]:
    return [q["sql"] for q in queries if "vault_datakey" in q["sql"]]


def test_a_customer_reads_their_readings_with_one_look_at_their_key(customer):
    start, end = month_bounds("2026-02")
    values = np.linspace(0.1, 2.0, (end - start) // 3600)
    interval_blocks_record(
        blocks=[IntervalBlock(customer.pk, "electric", "2026-02", start, 3600, values)], submission=METER
    )
    before = AccessEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        [block] = reveal_intervals(
            actor=customer_actor(customer.pk, "the customer"),
            customer_id=customer.pk,
            purpose="providing_services",
            start=start,
            end=end,
        )
    assert np.allclose(block.values, values, atol=0.0005)
    assert len(_key_lookups(queries)) == 1  # with the customer's existence, not asked again
    assert AccessEvent.objects.count() == before + 1


def test_a_customer_reads_their_letters_with_one_look_at_their_key(customer):
    document_seal(
        customer_id=customer.pk,
        category="correspondence",
        ref="outbox:1:text",
        content=b"Subject: Your bill\n\nDear customer",
        media_type="text/plain",
        submission=Submission(
            channel=ProvenanceChannel.OUTBOUND, notice_key="", recorded_by_label="the outbox", note="sent"
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        [document] = reveal_documents(
            actor=customer_actor(customer.pk, "the customer"),
            customer_id=customer.pk,
            category="correspondence",
            ref_prefix="outbox:",
            purpose="legal_obligations",
        )
    assert document.content.endswith(b"Dear customer")
    assert len(_key_lookups(queries)) == 1


def test_a_read_naming_its_documents_opens_only_those_under_one_decision_and_one_event(customer, monkeypatch):
    letters = Submission(
        channel=ProvenanceChannel.OUTBOUND, notice_key="", recorded_by_label="the outbox", note="sent"
    )
    for n in range(1, 4):
        document_seal(
            customer_id=customer.pk,
            category="correspondence",
            ref=f"outbox:{n}:text",
            content=f"Letter {n}".encode(),
            media_type="text/plain",
            submission=letters,
        )
    opened = []
    open_bytes = _crypto.open_bytes

    def recording(key, cid, field, sealed):
        opened.append(field)
        return open_bytes(key, cid, field, sealed)

    monkeypatch.setattr(_crypto, "open_bytes", recording)
    reader = customer_actor(customer.pk, "the customer")
    read = {"actor": reader, "customer_id": customer.pk, "category": "correspondence"}
    before = AccessEvent.objects.count()
    documents = reveal_documents(
        **read, ref_prefix="outbox:", refs=["outbox:3:text", "outbox:1:text"], purpose="legal_obligations"
    )
    assert [d.ref for d in documents] == ["outbox:1:text", "outbox:3:text"]
    assert opened == ["correspondence:outbox:1:text", "correspondence:outbox:3:text"]
    assert AccessEvent.objects.count() == before + 1
    assert AccessEvent.objects.order_by("-seq").first().decision == "allow"
    # A named ref outside the prefix is not read; naming none is refused, not taken for "all".
    outside = reveal_documents(**read, ref_prefix="bill/", refs=["outbox:2:text"], purpose="billing")
    assert outside == []
    with pytest.raises(Denied):
        reveal_documents(**read, refs=[], purpose="legal_obligations")
    assert AccessEvent.objects.order_by("-seq").first().decision == "deny"
    assert opened == ["correspondence:outbox:1:text", "correspondence:outbox:3:text"]
    # One ref given as a bare string is a mistake of the caller's, not a read of its characters.
    with pytest.raises(TypeError):
        reveal_documents(**read, refs="outbox:1:text", purpose="legal_obligations")


@pytest.mark.django_db
def test_a_customer_without_a_data_key_reads_nothing_and_no_error():
    keyless = Customer.objects.create(customer_class="residential")
    assert not DataKey.objects.filter(customer=keyless).exists()
    start, end = month_bounds("2026-02")
    reader = customer_actor(keyless.pk, "the customer")
    assert (
        reveal_intervals(
            actor=reader, customer_id=keyless.pk, purpose="providing_services", start=start, end=end
        )
        == []
    )
    assert correspondence_read(reader, keyless.pk, "legal_obligations", "outbox:") == []
