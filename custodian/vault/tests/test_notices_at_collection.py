"""Notices at collection, honest (Minn. Stat. § 13.04 subd. 2 and § 13.05 subd. 4): each collection point
shows its own notice and records the version shown; what arrives unasked says that none was shown; the gate
reads a value only for a purpose its notice named, or with consent (an opt-in, for marketing)."""

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape

from custodian.casework.choices import RequestKind
from custodian.casework.mail_import import import_one
from custodian.casework.models import CustomerRequest
from custodian.console.marketing import AudienceFilter, audience_build, audience_count
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.policy.loader import current_policy
from custodian.testing import read_for_request
from custodian.testing.portal import signed_in
from custodian.vault.gate import Denied, reveal, reveal_many, staff_actor
from custodian.vault.models import PersonalValue, SealedDocument
from custodian.vault.services import (
    NONE_SHOWN,
    ProvenanceRequired,
    Submission,
    marketing_preference_set,
    personal_data_record,
)

OLD_APPLICATION = Submission(channel="paper", notice_key="account_application", notice_version="2026.1")


def _collected_under(customer, submission):
    personal_data_record(
        customer=customer,
        values={"name": "Alice Anderson", "email": "alice@example.com", "mailing_address": "115 Elm Street"},
        submission=submission,
    )


def test_every_collection_point_and_call_type_has_a_notice_in_the_policy_file():
    policy = current_policy()
    for point in policy.collection_points:
        assert policy.notice_at(point).purposes
    assert set(policy.staff_intake_notices) == set(RequestKind.values)
    # Start-service calls read the account application notice, not "everything is voluntary".
    assert policy.notice_at("staff_intake", "service_change").key == "account_application"


def test_what_was_given_under_a_notice_that_did_not_name_marketing_is_not_read_for_marketing(
    customer, other_customer, marketer, billing_clerk
):
    _collected_under(customer, OLD_APPLICATION)
    with pytest.raises(Denied):
        reveal(actor=staff_actor(marketer), customer_id=customer.pk, fields=["name"], purpose="marketing")
    # The same value may still be read for billing: the 2026.1 notice named it.
    assert reveal(
        actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing"
    )
    # In bulk the gate refuses naming how many; the audience leaves them out before reading anything.
    with pytest.raises(Denied) as refused:
        reveal_many(
            actor=staff_actor(marketer),
            customer_ids=[customer.pk, other_customer.pk],
            fields=["name"],
            purpose="marketing",
        )
    assert (
        "1 of the customers gave the data under a notice that does not name marketing" in refused.value.reason
    )
    assert audience_count(AudienceFilter())[2] == 1
    built = audience_build(actor=staff_actor(marketer), f=AudienceFilter())
    assert [r["customer_id"] for r in built] == [other_customer.pk]


def test_an_opt_in_is_consent_to_marketing_whatever_the_old_notice_said(customer, marketer):
    _collected_under(customer, OLD_APPLICATION)
    marketing_preference_set(
        customer=customer,
        opted_out=False,
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    assert reveal(actor=staff_actor(marketer), customer_id=customer.pk, fields=["name"], purpose="marketing")
    # In bulk too: the old notice falls short, the opt-in covers it.
    assert (
        reveal_many(
            actor=staff_actor(marketer), customer_ids=[customer.pk], fields=["name"], purpose="marketing"
        )[customer.pk]["name"]
        == "Alice Anderson"
    )


def test_what_arrives_unasked_says_no_notice_was_shown_and_is_used_only_to_answer(
    db, service_rep, billing_clerk, open_request
):
    import_one(
        b"From: Dana Moe <dana@example.org>\r\nTo: info@owatonnautilities.com\r\nSubject: My bill\r\n"
        b"Message-ID: <x1@example.org>\r\n\r\nWhy is my bill so high?\r\n"
    )
    req = CustomerRequest.objects.get()
    value = PersonalValue.objects.select_related("provenance").get(customer=req.customer, field="email")
    assert (value.provenance.channel, value.provenance.notice_key) == ("email", "")
    assert value.provenance.note.startswith(NONE_SHOWN)
    message = SealedDocument.objects.select_related("provenance").get(ref=f"request:{req.pk}:message:1")
    assert message.provenance.notice_key == "" and NONE_SHOWN in message.provenance.note
    # The auto-reply carries the e-mail collection point's notice, through the outbox, on the record.
    reply = OutboundMessage.objects.get(template="request_received", regarding=f"request:{req.pk}")
    assert reply.to_customer_id == req.customer_id
    notice = current_policy().notice_at("email_auto_reply")
    assert notice.purpose in mail.outbox[-1].body and f"version {notice.version}" in mail.outbox[-1].body
    # Used to answer the person; not for billing.
    rep_request = open_request(req.customer, "customer_service")
    assert read_for_request(service_rep, req.customer_id, ["email"], "contacting_customers", rep_request.pk)
    with pytest.raises(Denied):
        reveal(
            actor=staff_actor(billing_clerk), customer_id=req.customer_id, fields=["email"], purpose="billing"
        )


def test_only_e_mail_and_letters_arrive_unasked(customer):
    with pytest.raises(ProvenanceRequired):
        personal_data_record(
            customer=customer,
            values={"phone": "507-555-0100"},
            submission=Submission(channel="portal", notice_key="", unsolicited=True),
        )
    with pytest.raises(ProvenanceRequired, match="no version"):
        personal_data_record(
            customer=customer,
            values={"phone": "507-555-0100"},
            submission=Submission(channel="paper", notice_key="account_application", notice_version="1999.9"),
        )


def test_the_contact_form_records_the_version_it_showed(db):
    notice = current_policy().notice_at("contact_form")
    form = {
        "topic": "other",
        "message": "A question",
        "name": "Dana Moe",
        "email": "dana@example.com",
        "phone": "",
        "account_number": "",
        "website": "",
    }
    page = Client().get("/contact/").content.decode()
    assert f'value="{notice.shown}"' in page and notice.purpose in page
    Client().post("/contact/", {**form, "notice_shown": notice.shown}, HTTP_ORIGIN="http://testserver")
    value = PersonalValue.objects.select_related("provenance").get(field="name")
    assert (value.provenance.notice_key, value.provenance.notice_version) == (notice.key, notice.version)
    # A version the policy file does not know is refused, saying so, and nothing is stored.
    response = Client().post(
        "/contact/", {**form, "notice_shown": f"{notice.key}:1999.9"}, HTTP_ORIGIN="http://testserver"
    )
    assert "notice on this page changed" in response.content.decode()
    assert CustomerRequest.objects.count() == 1


def test_the_staff_intake_page_reads_the_notice_of_each_call_type(service_rep, console):
    page = console(service_rep).get("/staff/requests/new/").content.decode()
    policy = current_policy()
    for kind in RequestKind.values:
        assert escape(policy.notice_at("staff_intake", kind).purpose) in page
    assert Customer.objects.count() == 0


def test_the_portal_request_form_shows_its_own_notice_and_records_it(households):  # noqa: F811
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    notice = current_policy().notice_at("portal_request")
    page = client.get("/portal/me/request/").content.decode()
    assert escape(notice.purpose) in page and f'value="{notice.shown}"' in page
    client.post(
        "/portal/me/request/",
        {"kind": "privacy_question", "message": "Who sees my bills?", "notice_shown": notice.shown},
    )
    req = CustomerRequest.objects.get(customer=customer)
    message = SealedDocument.objects.select_related("provenance").get(ref=f"request:{req.pk}:message:1")
    assert (message.provenance.notice_key, message.provenance.notice_version) == (notice.key, notice.version)
