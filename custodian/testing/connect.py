"""A third party registered for Connect My Data through the public registration page; apps a customer
authorised, and their reads of her data in the access log."""

import re
from datetime import UTC, datetime

from django.test import Client

from custodian.audit.events import append_events
from custodian.connect.models import Authorization, ThirdParty
from custodian.testing import consent_given, read_event

SCOPE = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
REDIRECT = "https://app.example.org/callback"
REGISTRATION = {
    "name": "Sunny Solar Analytics",
    "contact": "privacy@sunny.example.org, 507-555-0199",
    "website": "https://sunny.example.org",
    "purpose": "sizing a solar installation for the customer's home",
    "data_practices": "kept 12 months, never sold or shared, encrypted at rest, deleted on request",
    "redirect_uris": REDIRECT,
    "scopes": SCOPE,
}


def register(**changes):
    """Registers the third party (with `changes` to its form); returns its client id and secret (blank for a
    public client)."""
    response = Client().post("/connect/register/", {**REGISTRATION, **changes})
    assert response.status_code == 201, response.content.decode()[:3000]
    page = response.content.decode()
    client_id = re.search(r'class="client-id">([^<]+)<', page).group(1)
    secret = re.search(r'class="client-secret">([^<]+)<', page)
    return client_id, secret.group(1) if secret else ""


# Three apps, each authorised by the customer twice (two consents), which read her meter usage in turn.
APPS_READING = ("Sunny Solar Analytics", "Heat Pump Helper", "Budget Watt")


def apps_authorised(customer) -> list:
    """The apps of `APPS_READING`, registered and each authorised by `customer` on March 3 and May 5, 2026:
    the (third party, consent) of each authorisation."""
    authorised = []
    for name in APPS_READING:
        client_id, _secret = register(name=name)
        app = ThirdParty.objects.get(application__client_id=client_id)
        for month, day in ((3, 3), (5, 5)):
            consent = consent_given(
                customer,
                recipient_name=name,
                method="electronic",
                text_shown=f"I authorise {name}",
                signed_at=datetime(2026, month, day, 12, tzinfo=UTC),
            )
            Authorization.objects.create(
                customer=customer, third_party=app, consent=consent, scope=SCOPE, services="electric"
            )
            authorised.append((app, consent))
    return authorised


def apps_read(customer, authorised, count: int) -> None:
    """`count` reads of `customer`'s meter usage in the access log, by the authorisations of `authorised`
    (`apps_authorised`) in turn, each on its consent, as the gate records an app's read."""
    append_events(
        read_event(
            customer.pk,
            actor_kind="third_party",
            actor_id=str(app.pk),
            actor_label=app.name,
            roles="connect_my_data",
            categories="meter_usage",
            purpose="providing_services",
            reason=f"consent {consent.pk}",
        )
        for app, consent in (authorised[n % len(authorised)] for n in range(count))
    )
