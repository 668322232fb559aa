"""The public forms' rate limits count the submissions that would be kept (a request on staff's list, a
registration on the privacy officer's), not the ones refused for a missing or mistyped field: a person who
fixes their form and sends it again is not shut out by their own mistakes."""

from django.test import Client

from custodian.connect.models import ThirdParty
from custodian.testing.connect import REGISTRATION
from custodian.web.tests.test_contact_form import GOOD, SAME_ORIGIN, cookieless
from custodian.web.third_party_registration import REGISTRATIONS_PER_DAY


def test_contact_messages_refused_for_their_fields_do_not_use_up_the_limit(db, billing_clerk, settings):
    settings.CUSTODIAN_CONTACT_RATE_LIMIT = 5
    client = cookieless()
    for _ in range(5):
        refused = client.post("/contact/", {**GOOD, "email": "not-an-email"}, **SAME_ORIGIN)
        assert refused.status_code == 400 and "valid email" in refused.content.decode().lower()
    sent = client.post("/contact/", GOOD, **SAME_ORIGIN)
    assert sent.status_code == 200 and "reference #" in sent.content.decode()


def test_well_formed_contact_messages_are_still_limited(db, settings):
    settings.CUSTODIAN_CONTACT_RATE_LIMIT = 2
    bot = {**GOOD, "website": "http://spam.example"}  # well formed: counted, then kept nowhere
    codes = [cookieless().post("/contact/", bot, **SAME_ORIGIN).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_registrations_refused_for_their_fields_do_not_use_up_the_day(db):
    for _ in range(REGISTRATIONS_PER_DAY + 1):
        refused = Client().post("/connect/register/", {**REGISTRATION, "website": "not a website"})
        assert refused.status_code == 400
    made = Client().post("/connect/register/", REGISTRATION)
    assert made.status_code == 201, made.content.decode()[:2000]
    assert ThirdParty.objects.count() == 1
