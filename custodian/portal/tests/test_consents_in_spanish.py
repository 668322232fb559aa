"""The terms of a written consent in the language of the page the customer read: shown from the policy file's
Spanish, and kept with the consent given there."""

from custodian.disclosures.models import Consent
from custodian.disclosures.selectors import consent_words
from custodian.testing.portal import consent_given_in_portal, signed_in


def test_the_consent_terms_are_shown_and_kept_in_the_language_the_customer_read(households, as_customer):
    """The policy file gives the terms of a written consent in Spanish too: the Spanish page shows them, and a
    consent given there keeps the Spanish words it was given under (its terms and the sealed text shown); a
    consent given in English keeps the English."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    spanish = client.get("/portal/me/consents/?lang=es").content.decode()
    assert "Este consentimiento es válido hasta la fecha que indica o hasta que usted lo revoque." in spanish
    assert "This consent is valid until" not in spanish
    given = {
        "recipient_name": "Solar del Sur",
        "recipient_contact": "info@solardelsur.example",
        "categories": ["meter_usage"],
        "purpose": "un presupuesto de paneles",
        "covers_past": "12",
        "agree": "on",
    }
    assert consent_given_in_portal(client, given, "/portal/me/consents/?lang=es").status_code == 302
    assert consent_given_in_portal(client, given, "/portal/me/consents/?lang=en").status_code == 302
    spanish_consent, english_consent = Consent.objects.filter(customer=customer).order_by("pk")
    assert spanish_consent.terms.startswith("Este consentimiento es válido")
    assert english_consent.terms.startswith("This consent is valid")
    words = consent_words(actor=as_customer(customer), customer_id=customer.pk, purpose="providing_services")
    shown = words[spanish_consent.sealed_ref].text_shown
    assert shown.startswith("Autorizo a ") and shown.endswith(spanish_consent.terms)
    # The data by the label the Spanish form showed, and the period chosen, in Spanish.
    assert "Consumo registrado por el medidor" in shown and "meter_usage" not in shown
    assert "Abarca mis datos desde el" in shown
    assert words[english_consent.sealed_ref].text_shown.startswith("I consent to ")
