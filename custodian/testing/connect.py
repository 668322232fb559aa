"""A third party registered for Connect My Data through the public registration page."""

import re

from django.test import Client

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
