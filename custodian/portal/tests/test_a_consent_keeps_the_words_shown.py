"""A written consent given in the portal is the words the customer read before giving it: the data by the
labels the form showed (never the policy file's keys), the recipient, contact and purpose as typed, and the
past data it reaches back to as the customer chose it on the form; the page that follows the form shows those
words, and the consent keeps exactly them. Personas: Pat, a customer on the portal, consenting to Solar Co."""

import html
import re

from django.utils import timezone

from custodian.disclosures.models import Consent
from custodian.disclosures.selectors import consent_words
from custodian.portal.consenting import covers_from
from custodian.testing.portal import consent_given_in_portal, signed_in

SOLAR_CO = {
    "recipient_name": "Solar Co",
    "recipient_contact": "quotes@solarco.example",
    "categories": ["name", "meter_usage"],
    "purpose": "a quote for solar panels",
    "agree": "on",
}
WORDS_SHOWN = re.compile(r"<dd>(I consent to [^<]+)</dd>")


def _months_back(months: int):
    return covers_from(months, timezone.localdate())


def test_pat_s_consent_to_solar_co_keeps_the_words_she_read(households, as_customer):
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    asked = pat.post("/portal/me/consents/", {**SOLAR_CO, "covers_past": "12"})
    assert asked.status_code == 200 and not Consent.objects.exists()  # read first, given on the next step
    shown = html.unescape(WORDS_SHOWN.search(asked.content.decode()).group(1))
    start = _months_back(12)
    assert shown.startswith(
        "I consent to Owatonna Public Utilities giving Name, Meter usage to Solar Co "
        "(quotes@solarco.example) for: a quote for solar panels. It covers my data from "
        f"{start:%B} {start.day}, {start.year} on, until I revoke it. "
    )
    assert "meter_usage" not in shown

    assert consent_given_in_portal(pat, {**SOLAR_CO, "covers_past": "12"}).status_code == 302
    consent = Consent.objects.get()
    words = consent_words(actor=as_customer(customer), customer_id=customer.pk, purpose="providing_services")
    assert words[consent.sealed_ref].text_shown == shown
    assert consent.covers_from == start and consent.covers_until is None
    mine = pat.get("/portal/me/consents/").content.decode()
    assert f"{start:%B} {start.day}, {start.year}" in mine  # "Data from", as she chose


def test_none_of_the_past_data_and_an_end_date_are_said_in_the_consent_s_words(households):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    today = timezone.localdate()
    until = today.replace(year=today.year + 1, day=1)
    asked = pat.post(
        "/portal/me/consents/", {**SOLAR_CO, "covers_past": "0", "covers_until": until.isoformat()}
    )
    shown = html.unescape(WORDS_SHOWN.search(asked.content.decode()).group(1))
    assert (
        f"It covers my data from {today:%B} {today.day}, {today.year} on, until "
        f"{until:%B} {until.day}, {until.year}." in shown
    )
    consent_given_in_portal(pat, {**SOLAR_CO, "covers_past": "0", "covers_until": until.isoformat()})
    assert Consent.objects.get().covers_from == today


def test_the_past_data_is_chosen_never_assumed(households):
    """Without a choice of how far back the consent reaches, the form says so and nothing is kept."""
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    page = pat.post("/portal/me/consents/", SOLAR_CO).content.decode()
    assert 'name="words"' not in page and "This field is required." in page
    assert not Consent.objects.exists()


def test_words_other_than_those_shown_are_shown_again_not_kept(households):
    """The step that gives the consent carries the words read; if they are not the words the consent would
    keep (changed in the page, or the day turned), the consent is shown again instead of given."""
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    answer = pat.post(
        "/portal/me/consents/",
        {**SOLAR_CO, "covers_past": "24", "confirmed": "1", "words": "I consent to Solar Co reading it all."},
    )
    assert answer.status_code == 200 and 'name="words"' in answer.content.decode()
    assert not Consent.objects.exists()


def test_a_category_sent_twice_is_named_once_as_the_consent_keeps_it(households, as_customer):
    """A form that sends the same category three times (crafted, or a checkbox doubled) gives a consent
    whose words name it once, in the order first sent, as its kept list of categories holds it once."""
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    fields = {**SOLAR_CO, "categories": ["phone", "name", "phone", "phone"], "covers_past": "0"}
    asked = pat.post("/portal/me/consents/", fields)
    shown = html.unescape(WORDS_SHOWN.search(asked.content.decode()).group(1))
    assert "giving Telephone number, Name to Solar Co" in shown
    assert consent_given_in_portal(pat, fields).status_code == 302
    consent = Consent.objects.get()
    assert consent.category_list == ["name", "phone"]  # each once (the record keeps them sorted)
    words = consent_words(actor=as_customer(customer), customer_id=customer.pk, purpose="providing_services")
    assert words[consent.sealed_ref].text_shown == shown
