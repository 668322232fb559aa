"""An accuracy challenge: correct the data and notify past recipients found in the disclosure accounting
(and anyone the customer names), or explain why the data is correct; due in 30 days."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from custodian.casework.corrections import (
    NamedRecipient,
    correction_apply,
    correction_decline,
    correction_notice_posted,
)
from custodian.casework.services import RequestError
from custodian.disclosures.models import CorrectionNotice, DisclosureEntry
from custodian.testing import accounted
from custodian.vault.gate import reveal, system_actor


@pytest.fixture
def challenge(customer, open_request):
    return open_request(customer, "privacy_officer", kind="correction", photo_id=True)


@pytest.fixture
def past_disclosures(customer, other_customer):
    mailing, sheriff = ("Acme Mailing", "1 Print Way"), ("Steele County Sheriff", "")
    accounted(
        [customer.pk], mailing, ["name", "mailing_address"], "contacting_customers",
        ("vendor_determination", "determination 1"),
    )  # fmt: skip
    accounted(
        [customer.pk], sheriff, ["phone"], "legal_obligations",
        ("legal_authority", "Minn. Stat. § 13.685 (law enforcement)"),
    )  # fmt: skip
    accounted(
        [other_customer.pk], ("Other Recipient", ""), ["mailing_address"], "contacting_customers",
        ("consent", "consent 9"),
    )  # fmt: skip


def test_the_challenge_is_due_in_30_days(challenge):
    assert challenge.due_on == timezone.localdate() + timedelta(days=30)


def test_a_correction_notifies_the_recipients_of_the_corrected_data(
    challenge, privacy_officer, past_disclosures
):
    notices = correction_apply(
        request=challenge,
        by=privacy_officer,
        values={"mailing_address": "9 Oak Avenue, Owatonna, MN 55060"},
        named=[NamedRecipient("Landlord LLC", "5 Main Street, Owatonna, MN 55060")],
    )
    assert sorted((n.recipient_name, n.source, n.categories) for n in notices) == [
        ("Acme Mailing", "accounting", "mailing_address"),
        ("Landlord LLC", "customer", "mailing_address"),
    ]
    challenge.refresh_from_db()
    assert challenge.status == "open"  # both notices go by post: open until they are posted
    for notice in notices:
        correction_notice_posted(notice=notice, by=privacy_officer)
    challenge.refresh_from_db()
    assert challenge.status == "closed"
    assert all(n.sent_at for n in CorrectionNotice.objects.all())
    value = reveal(
        actor=system_actor("billing_run"),
        customer_id=challenge.customer_id,
        fields=["mailing_address"],
        purpose="billing",
    )
    assert value == {"mailing_address": "9 Oak Avenue, Owatonna, MN 55060"}


def test_or_the_data_is_explained_as_correct(challenge, privacy_officer):
    with pytest.raises(RequestError):
        correction_decline(
            request=challenge, by=privacy_officer, explanation="no", categories=["meter_usage"]
        )
    with pytest.raises(RequestError, match="which data"):
        correction_decline(
            request=challenge, by=privacy_officer, explanation="The meter readings were verified on site."
        )
    correction_decline(
        request=challenge,
        by=privacy_officer,
        explanation="The meter readings were verified on site on November 3.",
        categories=["meter_usage"],
    )
    challenge.refresh_from_db()
    assert challenge.status == "closed" and not CorrectionNotice.objects.exists()


def test_only_the_owning_service_answers(challenge, billing_clerk):
    with pytest.raises(RequestError):
        correction_apply(request=challenge, by=billing_clerk, values={"name": "A. Anderson"})


def test_the_accounting_is_append_only(past_disclosures):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        DisclosureEntry.objects.update(recipient_name="nobody")


def test_the_console_answers_a_challenge(console, privacy_officer, challenge, past_disclosures):
    client = console(privacy_officer)
    assert "Answer the accuracy challenge" in client.get(f"/staff/requests/{challenge.pk}/").content.decode()
    response = client.post(
        f"/staff/requests/{challenge.pk}/correction/",
        {"field": "name", "value": "Alice B. Anderson", "named_recipients": ""},
    )
    assert response.status_code == 302
    assert list(CorrectionNotice.objects.values_list("recipient_name", "categories")) == [
        ("Acme Mailing", "name")
    ]
