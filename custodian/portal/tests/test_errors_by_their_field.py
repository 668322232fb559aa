"""A form's mistake is said by the field it is about, in plain words, in the page's language: a consent that
would end before it is given, and a bank routing number whose check digit is wrong. Never the service's own
rule, worded for staff, above the form."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.disclosures.models import Consent
from custodian.testing import TEST_ROUTING_BAD_CHECK_DIGIT
from custodian.testing.portal import PASSWORD, signed_in


def _error_by(html: str, field: str) -> str:
    """The error text shown with a field: in its form group, after its label and before the next group."""
    at = html.index(f'name="{field}"')
    group = html.rfind("usa-form-group", 0, at)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[group : at + 200]))


CONSENT = {
    "recipient_name": "Solar del Sur",
    "recipient_contact": "info@solardelsur.example",
    "categories": ["meter_usage"],
    "purpose": "a quote for panels",
    "agree": "on",
}


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Choose today or a later day, or leave it empty"),
        ("es", "Elija hoy o un día posterior, o déjelo vacío"),
    ],
)
def test_a_consent_ending_in_the_past_is_told_by_its_date(households, lang, said):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(f"/portal/me/consents/?lang={lang}", {**CONSENT, "covers_until": past})
    html = response.content.decode()
    assert response.status_code == 400 and not Consent.objects.filter(customer=customer).exists()
    assert said in _error_by(html, "covers_until")
    assert "end date is on or after" not in html and "fecha de fin" not in html


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "This routing number is not right"),
        ("es", "Este número de ruta no es correcto"),
    ],
)
def test_a_routing_number_with_a_wrong_check_digit_is_told_by_its_field(households, lang, said):
    assert bill_run(cycle="2026-10") == 2
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    mine = Bill.objects.get(customer=customer, cycle="2026-10")
    client.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})
    form = {
        "choice": "start",
        "account": mine.account_id,
        "routing": TEST_ROUTING_BAD_CHECK_DIGIT,
        "bank_account": "4440001",
        "kind": "checking",
        "authorize": "on",
    }
    response = client.post(f"/portal/me/autopay/?lang={lang}", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert said in _error_by(html, "routing")
    assert "check digit" not in html and "dígito de control" not in html
