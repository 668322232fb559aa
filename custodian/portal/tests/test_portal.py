"""The customer portal: enrol with the account number and a bill figure plus e-mail confirmation; see,
correct and download your data with its provenance; see who looked and who received it; give and revoke
consent; opt out of marketing; send requests — and never reach another customer's data."""

import base64
import io
import json
import re

from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.casework.models import CustomerRequest
from custodian.disclosures.models import Consent
from custodian.portal.urls import urlpatterns
from custodian.testing import consent_given, current_code, project_file
from custodian.testing.portal import (
    PASSWORD,
    confirm_link,
    consent_given_in_portal,
    enrol,
    last_kwh,
    signed_in,
)
from custodian.vault.gate import reveal, staff_actor
from custodian.vault.models import PersonalValue


def test_enrolment_needs_the_bill_figure_and_gives_one_answer_for_every_mismatch(households):
    (_, app), _ = households
    client = Client()
    wrong_figure = client.post(
        "/portal/enrol/",
        {
            "account_number": app.personal["account_number"],
            "last_electric_kwh": last_kwh(app) + 50,
            "email": "a@example.com",
            "password": PASSWORD,
        },
    )
    no_account = client.post(
        "/portal/enrol/",
        {"account_number": "999", "last_electric_kwh": 1, "email": "a@example.com", "password": PASSWORD},
    )
    assert "don&#x27;t match our records" in wrong_figure.content.decode()
    assert "don&#x27;t match our records" in no_account.content.decode()
    assert not mail.outbox


def test_sign_in_only_after_the_email_is_confirmed(households):
    (_, app), _ = households
    client = Client()
    enrol(client, app, "pat@example.com")
    assert (
        client.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD}).status_code == 400
    )
    assert client.get("/portal/me/").status_code == 302
    assert client.get("/portal/confirm/forged-token/").status_code == 400


def test_the_customer_sees_their_data_with_provenance_and_corrects_it(households):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    html = client.get("/portal/me/").content.decode()
    # Signing up changed nothing on file: every value came on the paper form.
    assert app.personal["name"] in html and "Paper form" in html and "Customer portal" not in html
    client.post("/portal/me/contact/", {"phone": "507-555-0999", "email": "", "mailing_address": ""})
    current = PersonalValue.objects.get(customer=customer, field="phone", superseded_at=None)
    assert current.provenance.channel == "portal"
    assert "507-555-0999" in client.get("/portal/me/").content.decode()


def test_who_has_seen_my_data_shows_services_not_names(households, billing_clerk):
    (customer, app), _ = households
    reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
    html = signed_in(app, "pat@example.com").get("/portal/me/who-has-seen-my-data/").content.decode()
    assert "Billing" in html and "bill.clerk" not in html and "Bill Hanson" not in html


def test_consent_given_and_revoked_electronically(households):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    consent_given_in_portal(
        client,
        {
            "recipient_name": "Energy Savers Co-op",
            "recipient_contact": "x@savers.example",
            "categories": ["name", "meter_usage"],
            "purpose": "home energy audit",
            "covers_past": "12",
            "agree": "on",
        },
    )
    consent = Consent.objects.get()
    assert consent.method == "electronic" and consent.signer_ip and consent.sealed_ref.startswith("consent:")
    # The consent's words are sealed with the customer's data, shown back to the customer through the gate.
    page = client.get("/portal/me/consents/").content.decode()
    assert "Energy Savers Co-op" in page and "x@savers.example" in page and "home energy audit" in page
    download = client.get("/portal/me/download.json").json()
    [words] = [d for d in download["data"]["correspondence"] if d["ref"] == consent.sealed_ref]
    assert "Revoke it at any time" in words["text"] and "Energy Savers Co-op" in words["text"]
    asked = client.post(f"/portal/me/consents/{consent.pk}/revoke/").content.decode()
    assert "Revoke this consent?" in asked and "Meter usage" in asked  # asked first, in words
    consent.refresh_from_db()
    assert not hasattr(consent, "revocation")
    revoked = client.post(f"/portal/me/consents/{consent.pk}/revoke/", {"confirmed": "1"}, follow=True)
    assert "Consent revoked." in revoked.content.decode() and "Revoked " in revoked.content.decode()
    consent.refresh_from_db()
    assert consent.revocation.how == "the customer, in the portal"


def test_opt_out_download_and_requests(households):
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    client.post("/portal/me/marketing/", {"choice": "out"})
    assert "You have opted out" in client.get("/portal/me/").content.decode()
    data = json.loads(client.get("/portal/me/download.json").content)
    assert (
        data["data"]["name"] == app.personal["name"] and data["data"]["marketing_preference"] == "opted_out"
    )
    assert app.personal["name"] in client.get("/portal/me/download.csv").content.decode()
    assert client.get("/portal/me/download.exe").status_code == 404
    client.post("/portal/me/request/", {"kind": "data_access", "message": "Everything, please."})
    req = CustomerRequest.objects.get()
    assert (req.customer_id, req.channel, req.owning_service) == (customer.pk, "portal", "privacy_officer")
    data = json.loads(client.get("/portal/me/download.json").content)
    texts = [m["text"] for m in data["data"]["correspondence"]]
    assert "Everything, please." in texts and "pat@example.com" in texts  # the request and the sign-up


def test_no_portal_route_reaches_another_customer(households):
    (first, app1), (second, app2) = households
    client = signed_in(app1, "pat@example.com")
    other_name = app2.personal["name"]
    # Every portal route under me/, from the URL configuration itself: a new route is crawled too.
    routes = []
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        if not route.startswith("me/") or "<int:" in route:
            continue
        formats = ("xml", "csv", "json", "pdf") if "<str:fmt>" in route else ("",)
        routes += [f"/portal/{route.replace('<str:fmt>', f)}" for f in formats]
    assert "/portal/me/usage/" in routes and "/portal/me/comparison.pdf" in routes
    for route in routes:
        for suffix in ("", f"?customer={second.pk}", f"?customer_id={second.pk}"):
            response = client.get(route + suffix)
            assert other_name not in response.content.decode(), route + suffix
    other_reads = AccessEvent.objects.filter(actor_kind="customer", customer_id=str(second.pk))
    assert not other_reads.exists()
    # A consent of the other customer can't be revoked through this session.
    theirs = consent_given(
        second,
        recipient_name="X",
        recipient_contact="x",
        purpose="p",
        signed_at=timezone.now(),
        method="electronic",
        text_shown="I agree",
    )
    client.post(f"/portal/me/consents/{theirs.pk}/revoke/")
    client.post(f"/portal/me/consents/{theirs.pk}/revoke/", {"confirmed": "1"})
    assert not hasattr(Consent.objects.get(pk=theirs.pk), "revocation")


def test_a_customer_session_never_opens_the_staff_console(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    assert client.get("/staff/").url == "/portal/me/"
    assert client.get("/staff/customers/").url == "/portal/me/"


def test_an_optional_authenticator_is_then_asked_at_every_sign_in(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    assert "Turn on" in client.get("/portal/me/security/").content.decode()
    device = TOTPDevice.objects.get(confirmed=False)

    def code():
        return current_code(device)

    enrolled = client.post(
        "/portal/me/security/",
        {
            "change": "authenticator_on",
            "authenticator_on-password": PASSWORD,
            "authenticator_on-code": code(),
        },
    ).content.decode()
    recovery = re.findall(r"<li><code>([^<]+)</code></li>", enrolled)
    assert len(recovery) == 10
    fresh = Client()
    response = fresh.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD})
    assert response.url == "/portal/sign-in/code/"
    assert fresh.get("/portal/me/").url == "/portal/sign-in/code/"
    # (the app's current code was just used to turn it on, and a code works once: use a recovery code)
    assert fresh.post("/portal/sign-in/code/", {"code": recovery[0]}).url == "/portal/me/"
    assert fresh.get("/portal/me/").status_code == 200


def test_repeated_failed_sign_ins_lock_the_portal_account(households, settings):
    (_, app), _ = households
    signed_in(app, "pat@example.com")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post("/portal/sign-in/", {"email": "pat@example.com", "password": "wrong"}).status_code
            == 400
        )
    assert (
        client.post("/portal/sign-in/", {"email": "pat@example.com", "password": "wrong"}).status_code == 429
    )
    assert (
        client.post("/portal/sign-in/", {"email": "pat@example.com", "password": PASSWORD}).status_code == 429
    )


def test_a_customer_session_reaches_no_api_route(households):
    (first, app1), (second, _) = households
    client = signed_in(app1, "pat@example.com")
    for method, path in (
        ("post", f"/api/v1/customers/{second.pk}/reveal"),
        ("post", f"/api/v1/customers/{first.pk}/reveal"),
        ("post", "/api/v1/customers/lookup"),
        ("get", "/api/v1/access-events"),
        ("get", f"/api/v1/customers/{second.pk}/disclosures"),
        ("get", "/api/v1/exports/1/file"),
    ):
        response = (
            getattr(client, method)(path, content_type="application/json")
            if method == "post"
            else client.get(path)
        )
        assert response.status_code == 401, path


def test_the_customer_downloads_their_green_button_data(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    xml = client.get("/portal/me/green-button.xml")
    schema = etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))

    schema.assertValid(etree.parse(io.BytesIO(xml.content)))
    csv_text = client.get("/portal/me/green-button.csv").content.decode()
    assert csv_text.startswith("# Times are America/Chicago") and "electric usage" in csv_text
    assert client.get("/portal/me/green-button.pdf").status_code == 404


def _sign_up_tried(app, figure, network, email="x@example.com") -> int:
    fields = {"account_number": app.personal["account_number"], "last_electric_kwh": figure, "email": email}
    return Client(REMOTE_ADDR=network).post("/portal/enrol/", {**fields, "password": PASSWORD}).status_code


def test_the_bill_figure_cannot_be_guessed(households):
    """Five tries at an account's figure a day from one network, twenty from all networks together; past
    those even the right figure is refused for the rest of the day."""
    (_, app), _ = households
    assert [_sign_up_tried(app, g, "198.51.100.1") for g in range(6)] == [400] * 5 + [429]
    # Three more networks, five tries each but the last: the twentieth try from anywhere is still taken.
    assert [_sign_up_tried(app, g, f"198.51.100.{2 + g // 5}") for g in range(14)] == [400] * 14
    assert _sign_up_tried(app, last_kwh(app), "203.0.113.9", "pat@example.com") == 429


def test_someone_else_s_wrong_figures_do_not_shut_the_customer_out(households):
    """Mallory, holding Pat's account number, tries five wrong figures: her network is refused for the day,
    while Pat signs up from his own."""
    (_, app), _ = households
    assert [_sign_up_tried(app, g, "198.51.100.66") for g in range(6)] == [400] * 5 + [429]
    assert _sign_up_tried(app, last_kwh(app), "203.0.113.5", "pat@example.com") == 200
    assert confirm_link()


def test_the_confirmation_link_carries_no_email_address(households):
    (_, app), _ = households
    enrol(Client(), app, "secret.address@example.com")
    link = confirm_link().split("/")[-2]
    payload = link.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"secret.address" not in decoded and "secret.address" not in link
