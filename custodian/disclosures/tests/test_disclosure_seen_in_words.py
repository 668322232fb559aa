"""A disclosure to a third party in the customer's "who has seen my data": who gave it (the privacy officer,
who alone discloses, never "an automated job"), to whom, and on what basis (their written consent, or the
law), as the page and a data request's answer say it; "who we gave it to" lists it as before."""

from datetime import timedelta

from django.utils import timezone

from custodian.testing import CO_OP, consent_given, disclosed
from custodian.testing.portal import signed_in


def test_a_disclosure_under_consent_says_who_gave_it_to_whom_and_why(
    households, privacy_officer, service_rep
):
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    consent = consent_given(
        customer,
        categories=["name", "meter_usage"],
        covers_until=timezone.localdate() + timedelta(days=365),
        method="paper",
        verified_by=service_rep,
        scan=b"%PDF scanned consent",
        scan_name="consent.pdf",
    )
    disclosed(
        privacy_officer,
        [customer.pk],
        CO_OP,
        ["name", "meter_usage"],
        "home energy audit",
        ("consent", consent.pk),
    )
    page = client.get("/portal/me/who-has-seen-my-data/").content.decode()
    row = next(r for r in page.split("<tr>") if "Energy Savers Co-op" in r)
    assert "Privacy officer" in row and "Given to Energy Savers Co-op under your written consent" in row
    assert "An automated job" not in row and "Meeting legal concerns or obligations" not in row
    assert "Energy Savers Co-op" in client.get("/portal/me/who-we-gave-it-to/").content.decode()
