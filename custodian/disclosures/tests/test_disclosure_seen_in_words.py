"""A disclosure to a third party in the customer's "who has seen my data": who gave it (the privacy officer,
who alone discloses, never "an automated job"), to whom, and on what basis (their written consent, or the
law), as the page and a data request's answer say it; "who we gave it to" lists it as before."""

from datetime import timedelta

from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words
from custodian.testing import CO_OP, consent_given, disclosed
from custodian.testing.portal import signed_in
from custodian.vault.gate import reveal, system_actor


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


def test_every_read_a_disclosure_makes_names_the_privacy_officer_who_made_it(
    households, privacy_officer, service_rep
):
    """The disclosure reads the consent's words to check it covers the recipient, then the data: each read is
    the officer's act, and the customer's page says so, never "an automated job"."""
    (customer, app), _ = households
    client = signed_in(app, "ann@example.com")
    consent = consent_given(
        customer,
        categories=["name"],
        covers_until=timezone.localdate() + timedelta(days=365),
        method="paper",
        verified_by=service_rep,
        scan=b"%PDF scanned consent",
        scan_name="consent.pdf",
    )
    disclosed(privacy_officer, [customer.pk], CO_OP, ["name"], "home energy audit", ("consent", consent.pk))
    reads = AccessEvent.objects.filter(customer_id=str(customer.pk), actor_id="disclosures")
    assert reads.count() == 2  # the consent's words, and the data disclosed
    page = client.get("/portal/me/who-has-seen-my-data/").content.decode()
    rows = [r for r in page.split("<tr>") if "Privacy officer" in r]
    assert len(rows) == 2 and not any("An automated job" in r for r in rows)


def test_a_job_nobody_started_is_still_an_automated_job(households):
    """A scheduled run names no member of staff: the customer reads "An automated job"."""
    (customer, _app), _ = households
    reveal(actor=system_actor("billing_run"), customer_id=customer.pk, fields=["name"], purpose="billing")
    event = AccessEvent.objects.filter(customer_id=str(customer.pk), actor_kind="system").latest("seq")
    assert event.roles == "billing_run"
    (seen,) = seen_in_words([event])
    assert seen.who == "An automated job"
