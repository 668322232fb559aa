"""Connect My Data is machine to machine: a third party's feed keeps its titles in English (the standard's
language, that of the sample feeds the app's software is built against) whatever language the customer
chose or the app's HTTP client asks for; the customer's own download is titled in their language
(`usage/tests/test_green_button_titles_in_the_customer_s_language.py`).

Personas: Marta, who reads Spanish, with a year of hourly electric readings; Sunny Solar, a third party she
authorised, asking in Spanish."""

import pytest
from django.test import Client

from custodian.connect.models import Authorization
from custodian.connect.tests.test_client_credentials import customer_token
from custodian.connect.tests.test_connect_my_data import approved_third_party
from custodian.customers.models import Customer
from custodian.testing.billing import NS, schema_valid
from custodian.testing.portal import household_with_readings

EMAIL = "meter.reader@example.com"


@pytest.fixture
def household(db):
    customer, app, _ = household_with_readings(3, 3600)
    return customer, app


def test_a_third_party_s_feed_stays_in_english(household, privacy_officer):
    customer, app = household
    client_id, secret = approved_third_party(privacy_officer)
    access = customer_token(app, EMAIL, client_id, secret)
    Customer.objects.filter(pk=customer.pk).update(language="es")
    authorization = Authorization.objects.get()
    batch = Client().get(
        f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}",
        HTTP_AUTHORIZATION=f"Bearer {access}",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert batch.status_code == 200, batch.content[:500]
    feed = schema_valid(batch.content)
    found = [e.findtext("atom:title", namespaces=NS) for e in feed.findall("atom:entry", NS)]
    assert "Electric service (meter intervals): reading type" in found
    assert not [t for t in found if "Servicio" in t or "lectura" in t]
