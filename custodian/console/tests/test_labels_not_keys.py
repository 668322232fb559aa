"""Staff read the policy file's labels on the privacy officer's page and a request's page, never its keys:
the owning service, the purpose of an emergency access, the kind of actor flagged, the data a correction
notice concerns."""

import re
from datetime import timedelta

from django.utils import timezone

from custodian.disclosures.models import CorrectionNotice
from custodian.incidents import selectors as flags
from custodian.policy.loader import current_policy
from custodian.vault.models import BreakGlassGrant


def shown(html: str) -> str:
    """What a person reads: the page's text without its tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def test_the_privacy_page_names_services_purposes_and_actors_by_their_labels(
    console, privacy_officer, field_tech, billing_clerk, customer, open_request, monkeypatch
):
    policy = current_policy()
    open_request(customer, "customer_service", kind="data_access")
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user=field_tech,
        customer=customer,
        purpose="contacting_customers",
        reason="Gas smell reported at the premise",
        opened_at=now,
        expires_at=now + timedelta(hours=1),
    )
    monkeypatch.setattr(flags, "UNUSUAL_DISTINCT_CUSTOMERS", 1)
    console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"}
    )
    text = shown(console(privacy_officer).get("/staff/privacy/").content.decode())
    assert policy.services["customer_service"].label in text and "customer_service" not in text
    assert f"opened {policy.purposes['contacting_customers'].label} for customer" in text
    assert "contacting_customers" not in text
    assert "Staff bill.clerk read many customers one at a time without a request" in text


def test_a_correction_notice_names_the_data_by_the_categories_labels(
    console, privacy_officer, customer, open_request
):
    policy = current_policy()
    req = open_request(customer, "privacy_officer", kind="correction")
    CorrectionNotice.objects.create(
        request=req,
        customer=customer,
        recipient_name="Acme Mailing",
        categories="name,meter_usage",
        source="customer",
    )
    text = shown(console(privacy_officer).get(f"/staff/requests/{req.pk}/").content.decode())
    labels = f"{policy.categories['name'].label}, {policy.categories['meter_usage'].label}"
    assert labels in text and "meter_usage" not in text and "name,meter" not in text
