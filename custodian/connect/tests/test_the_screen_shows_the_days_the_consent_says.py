"""The days a Connect My Data consent's words state are on the screen the customer agreed on: the first day of
the past data the third party receives, and the day the authorisation ends beside the length she chose (in
the page's language). Personas: Pat, a customer on the portal; Sunny Solar Analytics, an approved third
party."""

import html

from django.utils import translation

from custodian.connect.tests.test_connect_my_data import allow, approved_third_party, pkce
from custodian.dates import long_date
from custodian.disclosures.models import Consent
from custodian.disclosures.selectors import consent_words
from custodian.testing.portal import signed_in


def test_pat_reads_on_the_screen_the_days_her_consent_states(households, privacy_officer, as_customer):
    (customer, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    pat = signed_in(app, "pat@example.com")
    page, _ = allow(pat, client_id, pkce()[1], duration="1095")
    screen = html.unescape(page.content.decode())
    consent = Consent.objects.get()
    said = consent_words(actor=as_customer(customer), customer_id=customer.pk, purpose="providing_services")
    words = said[consent.sealed_ref].text_shown
    start, end = long_date(consent.covers_from), long_date(consent.expires_on)
    assert f"from {start} on" in words and f"ends on {end}" in words
    assert f"Your data from {start} on." in screen
    assert f"Three years, until {end}" in screen


def test_the_days_are_in_spanish_on_a_spanish_screen(households, privacy_officer):
    (_, app), _ = households
    client_id, _ = approved_third_party(privacy_officer)
    pat = signed_in(app, "pat@example.com")
    pat.get("/portal/me/?lang=es")  # she reads the portal in Spanish
    page, _ = allow(pat, client_id, pkce()[1])
    consent = Consent.objects.get()
    with translation.override("es"):
        start, end = long_date(consent.covers_from), long_date(consent.expires_on)
    screen = html.unescape(page.content.decode())
    assert f"Sus datos desde el {start} en adelante." in screen and f"hasta el {end}" in screen
