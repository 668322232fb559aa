"""The disclosure desk checks the basis before it asks anything, and says "the same data went" only when it
went to the same recipient for every customer asked; when it went for some of them, it names which.

Personas: Priya the privacy officer, Lena of legal (the second approver of each legal authority), a customer
(Alice) and another customer (Bob)."""

from custodian.disclosures.models import DisclosureEntry, DisclosureRequest
from custodian.testing import police_request
from custodian.testing.disclosures import name_disclosure_form

DISCLOSE = "/staff/privacy/disclosures/disclose/"
POLICE = "Owatonna Police Department"
DATA = ["name", "service_address"]


def to_the_police(authority, *customers) -> dict:
    asked = name_disclosure_form("legal_authority", authority, customers[0], POLICE, "investigation")
    return {**asked, "customer_ids": ",".join(str(c.pk) for c in customers), "categories": DATA}


def said(page) -> str:
    return " ".join(str(m) for m in page.context["messages"]) if page.context else page.content.decode()


def test_data_of_a_customer_the_authority_does_not_cover_is_refused_before_any_confirmation(
    console, privacy_officer, counsel, customer, other_customer
):
    alice_only = police_request(customer, privacy_officer, counsel, categories=DATA)
    priya = console(privacy_officer)
    assert priya.post(DISCLOSE, {**to_the_police(alice_only, customer), "confirmed": "1"}).status_code == 200

    asked = priya.post(DISCLOSE, to_the_police(alice_only, customer, other_customer), follow=True)
    html = asked.content.decode()
    assert "Refused: the legal authority does not cover all these customers" in html
    assert "Confirm the disclosure" not in html and "same data went" not in html
    assert DisclosureEntry.objects.count() == 1
    assert DisclosureRequest.objects.filter(outcome="refused").count() == 1


def test_the_desk_names_the_customers_who_already_had_the_data(
    console, privacy_officer, counsel, customer, other_customer
):
    alice_only = police_request(customer, privacy_officer, counsel, categories=DATA)
    both = police_request(
        customer, privacy_officer, counsel, categories=DATA, customer_ids=[customer.pk, other_customer.pk]
    )
    priya = console(privacy_officer)
    priya.post(DISCLOSE, {**to_the_police(alice_only, customer), "confirmed": "1"})

    asked = to_the_police(both, customer, other_customer)
    first = priya.post(DISCLOSE, asked).content.decode()
    assert f"Of these customers, only {customer.pk} already had the same data: it went to {POLICE}" in first
    assert f"; {other_customer.pk} did not." in first and "The same data went" not in first
    unconfirmed = said(priya.post(DISCLOSE, {**asked, "confirmed": "1"}, follow=True))
    assert unconfirmed.startswith(f"Nothing disclosed: Of these customers, only {customer.pk} already had")
    assert DisclosureEntry.objects.count() == 1

    sent = priya.post(DISCLOSE, {**asked, "confirmed": "1", "as_new": "1"})
    assert sent["Content-Disposition"].startswith("attachment")
    assert DisclosureEntry.objects.count() == 3
    # Now both had it: the same data went, for every customer asked.
    again = priya.post(DISCLOSE, asked).content.decode()
    assert f"The same data went to {POLICE} for this purpose on" in again
    assert "Of these customers" not in again
