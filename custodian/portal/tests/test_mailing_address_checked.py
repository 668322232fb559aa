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


# Addresses saved just as they were typed; among them those delivered without a house number: held at the
# post office, a rural route, or a ship's or a base's military post.
SAVED_AS_TYPED = [
    "PO Box 12, Owatonna, MN 55060",
    "115 Elm Street, Apt. 4, Owatonna, MN 55060-1234",
    "General Delivery, Owatonna MN 55060",
    "USNS Comfort, FPO AE 09578",
    "RR 2 Box 152, Owatonna, MN 55060",
    "PSC 1234, Box 5678, APO AE 09012",
]
# Addresses tidied as the person meant them: the ZIP+4 without its hyphen, blanks to spare, and as people type
# or paste real addresses: the country after the ZIP code, the ZIP+4 with a blank, two lines pasted in, the
# invisible characters a copy carries (a soft hyphen, a zero-width space).
SAVED_TIDIED = [
    ("22 Peña Street #3 Owatonna MN 550601234", "22 Peña Street #3 Owatonna MN 55060-1234"),
    ("  9 Oak Avenue,   Owatonna, MN 55060 ", "9 Oak Avenue, Owatonna, MN 55060"),
    ("115 Elm St, Owatonna, MN 55060 USA", "115 Elm St, Owatonna, MN 55060"),
    ("115 Elm St, Owatonna, Minnesota 55060, United States", "115 Elm St, Owatonna, Minnesota 55060"),
    ("115 Elm St, Owatonna MN 55060 1234", "115 Elm St, Owatonna MN 55060-1234"),
    ("115 Elm St\r\nOwatonna, MN 55060", "115 Elm St, Owatonna, MN 55060"),
    ("115 El\u00adm St\u200b, Owatonna MN 55060", "115 Elm St, Owatonna MN 55060"),
]


@pytest.mark.parametrize("typed, kept", [(typed, typed) for typed in SAVED_AS_TYPED] + SAVED_TIDIED)
def test_a_mailing_address_is_saved_as_the_person_meant_it(pat, typed, kept):
    client, customer = pat
    saved = client.post("/portal/me/contact/", {"mailing_address": typed}, follow=True).content.decode()
    assert "Saved: your mailing address." in saved
    assert mailing_address_on_file(customer) == kept


def test_an_address_outside_the_united_states_is_told_how_to_give_it(pat):
    client, customer = pat
    kept = mailing_address_on_file(customer)
    refused = client.post("/portal/me/contact/", {"mailing_address": "123 Main St, Toronto ON M5V 2T6"})
    assert (
        refused.status_code == 400
        and "outside the United States, call or write to us" in refused.content.decode()
    )
    spanish = client.post(
        "/portal/me/contact/?lang=es", {"mailing_address": "123 Main St, Toronto ON M5V 2T6"}
    )
    assert "fuera de los Estados Unidos" in spanish.content.decode()
    assert mailing_address_on_file(customer) == kept


def test_where_the_final_bill_goes_is_checked_the_same_way(pat):
    client, customer = pat
    account = Account.objects.get(customer=customer)
    asked = {"account": account.pk, "kind": "stop", "on": "2026-12-15", "final_bill_address": "a"}
    refused = client.post("/portal/me/moving/", asked)
    assert refused.status_code == 400 and ZIP in refused.content.decode()
    assert not ServiceChange.objects.exists()
