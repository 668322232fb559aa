"""Download everything: the spreadsheet (CSV) holds every section the portal shows of the customer's data —
what we hold and where it came from, the monthly use, the letters and messages, who has seen or changed the
data and to whom it was given — each row as the page shows it, in the customer's language."""

from datetime import date

from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.services import protection_facts_record
from custodian.testing import accounted
from custodian.testing.portal import signed_in
from custodian.testing.portal import spreadsheet_sections as sections
from custodian.vault.services import Submission

BY_PHONE = Submission(
    channel="phone", notice_key="disconnection_protection", recorded_by_label="the collections desk"
)


def a_household_seen_and_disclosed(households, billing_clerk, console):
    """A household signed in to the portal, read by billing, its name given to a mailing vendor twice, its
    income qualified for the Cold Weather Rule on file, and a question sent from the portal."""
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"}
    )
    mailing = ("Acme Mailing", "1 Print Way")
    for _time in range(2):
        accounted(
            [customer.pk], mailing, ["name", "mailing_address"], "contacting_customers",
            ("vendor_determination", "determination 1"),
        )  # fmt: skip
    facts = ProtectionFacts(income_verified_on=date(2026, 10, 1), income_basis="assistance_provider")
    protection_facts_record(customer_id=customer.pk, facts=facts, submission=BY_PHONE)
    client.post("/portal/me/request/", {"kind": "privacy_question", "message": "Who reads my meter?"})
    return client, app


def test_the_spreadsheet_holds_every_section_the_portal_shows(households, billing_clerk, console):
    client, app = a_household_seen_and_disclosed(households, billing_clerk, console)
    home = client.get("/portal/me/").context["rows"]
    seen = client.get("/portal/me/who-has-seen-my-data/").context["rows"]
    given = client.get("/portal/me/who-we-gave-it-to/").context["rows"]
    file = sections(client.get("/portal/me/download.csv"))

    held = file["What we hold about you, and where it came from"]
    assert held[0] == ["Item", "Value", "How we received it"]
    for label, value, _provenance in home:
        assert [label, value] in [row[:2] for row in held], label
    assert ["How the income was verified", "Verified by the local energy assistance provider"] in [
        row[:2] for row in held
    ]
    assert ["E-mail address you sign in to My account with", "pat@example.com"] in [row[:2] for row in held]

    monthly = file["Your monthly use"]
    assert monthly[0] == ["Service", "Month", "Use", "Unit"]
    assert sum(row[0] == "Electric" for row in monthly[1:]) == 13

    accesses = file["Who has seen or changed my data"]
    assert accesses[0] == ["When", "Who", "Why", "What", "Outcome"]
    assert len(accesses) - 1 == len(seen) > 0
    for r in seen:
        assert [r["who"], r["purpose"], r["data"]] in [row[1:4] for row in accesses[1:]], r
    assert ["Billing", "Billing", "Name", "shown"] in [row[1:] for row in accesses[1:]]

    disclosures = file["Who we gave your data to"]
    assert disclosures[0] == ["To", "What", "Why", "On what basis", "When"]
    assert len(disclosures) - 1 == len(given) == 1
    [row] = disclosures[1:]
    assert row[:4] == [
        f"{given[0]['recipient']}, {given[0]['address']}",
        given[0]["data"],
        given[0]["purpose_label"],
        given[0]["basis"],
    ]
    assert row[4].startswith("2 times, ")

    documents = file["Messages, letters and documents"]
    assert any(row[2] == "Who reads my meter?" for row in documents[1:])
    assert file["Your meter readings"][1:] == [["None on file."]]


def test_an_empty_section_says_so(households):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    file = sections(client.get("/portal/me/download.csv"))
    assert file["Who we gave your data to"][1:] == [
        ["We have not given your data to anyone outside the utility."]
    ]


def test_the_spreadsheet_reads_in_spanish(households, billing_clerk, console):
    client, app = a_household_seen_and_disclosed(households, billing_clerk, console)
    file = sections(client.get("/portal/me/download.csv", {"lang": "es"}))
    assert file["Quién ha visto o cambiado mis datos"][0] == [
        "Cuándo",
        "Quién",
        "Por qué",
        "Qué",
        "Resultado",
    ]
    assert file["A quién dimos sus datos"][1][4].startswith("2 ")
    held = file["Lo que tenemos sobre usted, y de dónde vino"]
    assert held[0] == ["Dato", "Valor", "Cómo lo recibimos"]
    assert any(row[0] == "Nombre" and row[1] == app.personal["name"] for row in held)
    assert sum(row[0] == "Electricidad" for row in file["Su consumo mensual"]) == 13
