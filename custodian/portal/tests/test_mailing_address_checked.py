"""Bills and notices of disconnection are mailed to the address a customer keeps in the portal, so what can't
be a US mailing address is not saved over it: Pat typing "-1", "a", markup or another script's digits gets
the page back naming what is missing (the house number and street, the ZIP code), in English and in Spanish,
and the address on file stays as it was. The same rule (custodian.bounds.MailingAddressField) holds where the
final bill is to be mailed."""

import pytest

from custodian.customers.models import Account, ServiceChange
from custodian.testing.portal import signed_in
from custodian.vault.gate import reveal, system_actor
from custodian.vault.models import PersonalValue

STREET = "Give the house number and street, or the PO box"
ZIP = "End the address with its ZIP code, 5 or 9 digits"


def mailing_address_on_file(customer) -> str:
    """The address the bill run mails the customer's bills to, read through the gate."""
    bill_run = system_actor("billing_run")
    return reveal(actor=bill_run, customer_id=customer.pk, fields=["mailing_address"], purpose="billing")[
        "mailing_address"
    ]


@pytest.fixture
def pat(households):  # noqa: F811
    (customer, app), _ = households
    return signed_in(app, "pat@example.com"), customer


@pytest.mark.parametrize(
    ("typed", "missing"),
    [
        ("-1", [STREET, ZIP]),
        ("..", [STREET, ZIP]),
        ("a", [STREET, ZIP]),
        ("1e309", [STREET, ZIP]),
        ("Owatonna, MN 55060", [STREET]),
        ("115 Elm Street, Owatonna, MN", [ZIP]),
        ("115 Elm Street, Owatonna, MN 5506", [ZIP]),
        ("١٢٣٤٥٦٧٨٩٠", ["Write the numbers of the address with the digits 0 to 9."]),
        ("115 Elm Street, Owatonna, MN ٥٥٠٦٠", ["Write the numbers of the address with the digits 0 to 9."]),
        ("<script>alert(1)</script>", ["Write the address without the characters &lt; and &gt;."]),
        ("115 Elm Street\x00, Owatonna, MN 55060", ["Null characters are not allowed."]),
        (
            "115 Elm Street\x1b, Owatonna, MN 55060",
            ["Write the address on one line, without control characters."],
        ),
        ("115 Elm Street " + "x" * 300 + " 55060", ["at most 300 characters"]),
    ],
)
def test_what_is_not_a_mailing_address_is_refused_and_the_one_on_file_kept(pat, typed, missing):
    client, customer = pat
    kept, before = mailing_address_on_file(customer), PersonalValue.objects.count()
    refused = client.post("/portal/me/contact/", {"mailing_address": typed})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Not saved: Mailing address:" in page
    assert all(words in page for words in missing), page
    assert PersonalValue.objects.count() == before and mailing_address_on_file(customer) == kept


def test_the_missing_zip_code_is_named_in_spanish(pat):
    client, customer = pat
    refused = client.post("/portal/me/contact/?lang=es", {"mailing_address": "115 Elm Street"})
    assert refused.status_code == 400
    assert "Termine la dirección con su código postal (ZIP)" in refused.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "PO Box 12, Owatonna, MN 55060",
        "115 Elm Street, Apt. 4, Owatonna, MN 55060-1234",
        "22 Peña Street #3 Owatonna MN 550601234",
        "  9 Oak Avenue,   Owatonna, MN 55060 ",
    ],
)
def test_a_mailing_address_is_saved_with_its_blanks_run_together(pat, typed):
    client, customer = pat
    saved = client.post("/portal/me/contact/", {"mailing_address": typed}, follow=True).content.decode()
    assert "Saved: your mailing address." in saved
    assert mailing_address_on_file(customer) == " ".join(typed.split())


def test_where_the_final_bill_goes_is_checked_the_same_way(pat):
    client, customer = pat
    account = Account.objects.get(customer=customer)
    asked = {"account": account.pk, "kind": "stop", "on": "2026-12-15", "final_bill_address": "a"}
    refused = client.post("/portal/me/moving/", asked)
    assert refused.status_code == 400 and ZIP in refused.content.decode()
    assert not ServiceChange.objects.exists()
