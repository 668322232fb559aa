"""A personal value is written only with its provenance: channel, time, recorder and the notice shown."""

from functools import partial

import pytest
from django.utils import translation

from custodian.vault.choices import Channel
from custodian.vault.gate import reveal, system_actor
from custodian.vault.models import PersonalValue, Provenance
from custodian.vault.services import (
    ProvenanceRequired,
    Submission,
    UnknownField,
    document_seal,
    personal_data_record,
)


def test_a_write_without_provenance_is_refused_and_changes_nothing(customer):
    before = list(PersonalValue.objects.values_list("pk", "superseded_at"))
    with pytest.raises(ProvenanceRequired):
        personal_data_record(customer=customer, values={"phone": "507-555-9999"}, submission=None)
    assert list(PersonalValue.objects.values_list("pk", "superseded_at")) == before


@pytest.mark.parametrize(
    "submission, message",
    [
        (Submission(channel="scraped", notice_key="portal_profile"), "unknown channel"),
        (Submission(channel="portal", notice_key="no_such_notice"), "no notice at collection"),
    ],
)
def test_unknown_channels_and_notices_are_refused(customer, submission, message):
    with pytest.raises(ProvenanceRequired, match=message):
        personal_data_record(customer=customer, values={"phone": "507-555-9999"}, submission=submission)


def test_undeclared_fields_are_refused(customer):
    with pytest.raises(UnknownField):
        personal_data_record(
            customer=customer,
            values={"shoe_size": "9"},
            submission=Submission(channel="portal", notice_key="portal_profile"),
        )


def test_an_update_keeps_history_and_records_how_it_arrived(customer, service_rep):
    personal_data_record(
        customer=customer,
        values={"phone": "507-555-7777"},
        submission=Submission(
            channel="phone",
            notice_key="portal_profile",
            recorded_by=service_rep,
            recorded_by_label="Cora Lindqvist",
        ),
    )
    history = PersonalValue.objects.filter(customer=customer, field="phone").order_by("recorded_at", "pk")
    assert len(history) == 2 and history[0].superseded_at is not None and history[1].superseded_at is None
    prov = history[1].provenance
    assert (prov.channel, prov.recorded_by, prov.notice_key, prov.notice_version) == (
        "phone",
        service_rep,
        "portal_profile",
        "2026.1",
    )
    assert reveal(
        actor=system_actor("billing_run"), customer_id=customer.pk, fields=["name"], purpose="billing"
    )


def test_what_the_utility_computes_names_no_notice_and_nothing_else_may_omit_one(customer):
    with pytest.raises(ProvenanceRequired, match="no notice at collection"):
        personal_data_record(
            customer=customer,
            values={"phone": "507-555-9999"},
            submission=Submission(channel="portal", notice_key=""),
        )
    bill = partial(
        document_seal, customer_id=customer.pk, category="bills", content=b"{}", media_type="application/json"
    )
    with pytest.raises(ProvenanceRequired, match="has no notice"):
        bill(ref="bill/x", submission=Submission(channel="computed", notice_key="metering"))
    doc = bill(
        ref="bill/y",
        submission=Submission(channel="computed", notice_key="", recorded_by_label="the billing run"),
    )
    assert doc.provenance.get_channel_display() == "Computed by the utility"
    assert doc.provenance.notice_key == ""


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_channels_label_is_get_channel_displays_in_the_readers_language(language):
    with translation.override(language):
        for channel in [*Channel.values, "retired"]:
            provenance = Provenance(channel=channel)
            assert str(provenance.channel_label) == str(provenance.get_channel_display())
