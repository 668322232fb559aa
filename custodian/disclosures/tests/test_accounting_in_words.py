""" "Who we gave it to" in the customer's words and language: the purpose as the policy file labels it
(Spanish from its `[….es]` tables), never its key, and a purpose written in words (a consent's) as written;
the basis in words (a contractor the privacy officer approved on a day, the customer's consent of a day, the
law with its citation), never an internal reference such as "determination 1"; what was disclosed as the
categories' labels. The page shows those words."""

from django.utils import translation

from custodian.disclosures.selectors import accounting_summary
from custodian.testing import accounted, consent_given, vendor_with_determination
from custodian.testing.portal import signed_in
from custodian.vault.gate import customer_actor

MAILING = ("Acme Mailing", "1 Print Way")
AUDIT = ("Energy Savers Co-op", "")
STATE = ("State Energy Office", "")


def _by_recipient(customer) -> dict:
    rows = accounting_summary(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)
    return {r["recipient"]: r for r in rows}


def _vendor_disclosure(customer, officer) -> int:
    vendor, _ = vendor_with_determination(function="mailing", officer=officer, name=MAILING[0])
    determination = vendor.determinations.get().pk
    basis = ("vendor_determination", f"determination {determination}")
    accounted([customer.pk], MAILING, ["name", "mailing_address"], "contacting_customers", basis)
    return determination


def test_each_disclosure_names_its_purpose_and_basis_in_words(customer, privacy_officer):
    determination = _vendor_disclosure(customer, privacy_officer)
    consent = consent_given(customer, method="electronic", text_shown="I agree")
    accounted([customer.pk], AUDIT, ["name"], "home energy audit", ("consent", f"consent {consent.pk}"))
    law = ("legal_authority", "Minn. Stat. § 216C.17")
    accounted([customer.pk], STATE, ["meter_usage"], "legal_obligations", law)

    rows = _by_recipient(customer)
    mailing = rows[MAILING[0]]
    assert (mailing["purpose"], mailing["purpose_label"]) == ("contacting_customers", "Contacting customers")
    assert mailing["data"] == "Name, Mailing address"
    assert mailing["basis"].startswith(
        "A contractor doing this work for us, approved by our privacy officer on"
    )
    assert f"determination {determination}" not in mailing["basis"]
    assert rows[AUDIT[0]]["purpose_label"] == "home energy audit"  # the consent's own words
    assert rows[AUDIT[0]]["basis"].startswith("Your written consent, given on")
    assert rows[STATE[0]]["purpose_label"] == "Meeting legal concerns or obligations"
    assert rows[STATE[0]]["basis"] == "Required or allowed by law: Minn. Stat. § 216C.17"

    with translation.override("es"):
        mailing = _by_recipient(customer)[MAILING[0]]
    assert mailing["purpose_label"] == "Comunicarnos con los clientes"
    assert mailing["data"] == "Nombre, Dirección postal"
    assert mailing["basis"].startswith("Un contratista que hace este trabajo para nosotros")


def test_the_page_shows_the_words_not_the_keys(households, privacy_officer):
    (customer, app), _ = households
    determination = _vendor_disclosure(customer, privacy_officer)
    client = signed_in(app, "pat@example.com")
    page = client.get("/portal/me/who-we-gave-it-to/").content.decode()
    assert "Contacting customers" in page and "approved by our privacy officer" in page
    assert "contacting_customers" not in page
    assert "Vendor determination" not in page and f"determination {determination}" not in page
    page = client.get("/portal/me/who-we-gave-it-to/?lang=es").content.decode()
    assert "Comunicarnos con los clientes" in page and "Un contratista" in page
