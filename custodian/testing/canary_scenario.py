"""The canary scenario: one pass through the public interface with distinctive values (the canaries) that
must appear nowhere in clear outside the vault; `custodian/tests/test_no_personal_data_in_clear.py` says
what it does and searches the records for them, and the JSON logs' test reuses it."""

from datetime import date

import pytest
from django.test import Client

from conftest import PAPER_FORM
from custodian.api.services import api_token_create
from custodian.customers.services import customer_enrol
from custodian.demo.generator import application
from custodian.demo.personas import DEMO_PASSWORD
from custodian.testing.canaries import Canary
from custodian.testing.portal import PASSWORD, confirm_link, consent_given_in_portal, last_kwh, link_confirmed

CUSTOMER_IP = "198.51.100.77"
STAFF_IP = "203.0.113.9"  # staff addresses are kept whole: not a canary
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 CanaryBuild/8f3a9c"

NAME = "Zebulon Quimby-Canary"
EMAIL_ON_FILE = "zebulon.canary@example.org"
PHONE_ON_FILE = "(507) 555-0147"
PORTAL_EMAIL = "zq.portal.canary@example.net"
UNKNOWN_EMAIL = "nobody.canary@example.com"
NEW_PHONE = "507-555-0199"
VISITOR_NAME = "Wilhelmina Canarywood"
VISITOR_EMAIL = "wilhelmina.canary@example.com"
VISITOR_PHONE = "(507) 555-0163"
TYPED_AS_USERNAME = "typed.canary@example.org"
CONSENT_PERSON = "Ophelia Canarysmith"
CONSENT_CONTACT = "ophelia.canary@example.net"
CONSENT_PURPOSE = "canary-purpose: my niece handles my account"
CALLER_NAME = "Barnaby Canaryfield"
CALLER_PHONE = "(507) 555-0181"
CALLER_EMAIL = "barnaby.canary@example.org"
CALL_NOTE = "canary-call: customer asks about the 8f3a9c payment plan"

CANARIES = [
    Canary("customer name", NAME),
    Canary("customer e-mail", EMAIL_ON_FILE),
    Canary("customer phone", PHONE_ON_FILE),
    Canary("portal e-mail", PORTAL_EMAIL),
    Canary("e-mail typed at sign-in", UNKNOWN_EMAIL),
    Canary("updated phone", NEW_PHONE),
    Canary("visitor name", VISITOR_NAME),
    Canary("visitor e-mail", VISITOR_EMAIL),
    Canary("visitor phone", VISITOR_PHONE),
    Canary("e-mail typed as a staff user name", TYPED_AS_USERNAME),
    Canary("customer address", CUSTOMER_IP),
    Canary("customer user agent", USER_AGENT),
    Canary("person named in a consent", CONSENT_PERSON),
    Canary("contact named in a consent", CONSENT_CONTACT),
    Canary("purpose in a consent's words", CONSENT_PURPOSE),
    Canary("caller's name taken by staff", CALLER_NAME),
    Canary("caller's phone taken by staff", CALLER_PHONE),
    Canary("caller's e-mail taken by staff", CALLER_EMAIL),
    Canary("what a caller said, taken by staff", CALL_NOTE),
]


@pytest.fixture
def canary_customer(db):
    app = application(7, 3, date(2026, 11, 26))
    app.personal.update(name=NAME, email=EMAIL_ON_FILE, phone=PHONE_ON_FILE)
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    kwh = last_kwh(app)
    return customer, app.personal["account_number"], kwh


def as_customer() -> Client:
    return Client(REMOTE_ADDR=CUSTOMER_IP, HTTP_USER_AGENT=USER_AGENT, HTTP_ORIGIN="http://testserver")


def run_scenario(customer, account_number, kwh, billing_clerk, console):
    visitor = as_customer()
    assert (
        visitor.post(
            "/contact/",
            {
                "topic": "billing_question",
                "message": f"Hello, this is {VISITOR_NAME}; call me at {VISITOR_PHONE}.",
                "name": VISITOR_NAME,
                "email": VISITOR_EMAIL,
                "phone": VISITOR_PHONE,
            },
        ).status_code
        == 200
    )
    visitor.get("/privacy/")  # a page view, counted by analytics

    portal = as_customer()
    portal.post(
        "/portal/enrol/",
        {
            "account_number": account_number,
            "last_electric_kwh": kwh,
            "email": PORTAL_EMAIL,
            "password": PASSWORD,
        },
    )
    assert link_confirmed(portal, confirm_link()).status_code == 200
    assert portal.post("/portal/sign-in/", {"email": PORTAL_EMAIL, "password": PASSWORD}).status_code == 302
    assert (
        consent_given_in_portal(
            portal,
            {
                "recipient_name": "Prairie Energy Audits",
                "recipient_contact": "audits@prairie-energy.example",
                "categories": ["meter_usage"],
                "purpose": "a home energy audit",
                "covers_past": "12",
                "agree": "on",
            },
        ).status_code
        == 302
    )
    # A consent to a person: their name and contact are the customer's words, sealed like them.
    assert (
        consent_given_in_portal(
            portal,
            {
                "recipient_name": CONSENT_PERSON,
                "recipient_contact": CONSENT_CONTACT,
                "categories": ["name", "bills"],
                "purpose": CONSENT_PURPOSE,
                "covers_past": "0",
                "agree": "on",
            },
        ).status_code
        == 302
    )
    assert CONSENT_PERSON in portal.get("/portal/me/consents/").content.decode()
    portal.post("/portal/me/contact/", {"phone": NEW_PHONE})
    portal.post(
        "/portal/me/request/", {"kind": "privacy_question", "message": f"{NAME} asks who saw my data."}
    )
    assert portal.get("/portal/me/download.csv").status_code == 200
    portal.post("/portal/sign-out/")
    # Failed sign-ins last, so no later success clears their record.
    for _ in range(2):
        portal.post("/portal/sign-in/", {"email": PORTAL_EMAIL, "password": "not the password at all"})
    portal.post("/portal/sign-in/", {"email": UNKNOWN_EMAIL, "password": "guessing a password here"})

    stranger = Client(REMOTE_ADDR=STAFF_IP)
    stranger.post("/staff/login/", {"username": TYPED_AS_USERNAME, "password": "whatever it was"})
    stranger.post("/staff/login/", {"username": "bill.clerk", "password": "not " + DEMO_PASSWORD})

    _, raw = api_token_create(name="canary scenario", user=billing_clerk)
    api = Client(REMOTE_ADDR=STAFF_IP, HTTP_AUTHORIZATION=f"Bearer {raw}")
    found = api.post(
        "/api/v1/customers/lookup",
        {"field": "email", "value": EMAIL_ON_FILE, "purpose": "billing"},
        content_type="application/json",
    )
    assert found.status_code in (200, 404)
    revealed = api.post(
        f"/api/v1/customers/{customer.pk}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        "application/json",
    )
    assert revealed.status_code == 200 and revealed.json()["values"]["name"] == NAME
    staff = console(billing_clerk)
    staff.defaults["REMOTE_ADDR"] = STAFF_IP
    staff.post(f"/staff/customers/{customer.pk}/", {"purpose": "billing", "fields": ["name"]})

    # Staff-entered requests: a customer's call (verified) and a call from someone not yet a customer.
    intake = {"channel": "phone", "notice_given": "on", "kind": "billing_question"}
    called = staff.post(
        "/staff/requests/new/",
        {
            **intake,
            "account_number": account_number,
            "purpose": "billing",
            "verification": "account_and_fact",
            "verified_with": "last_bill",
            "message": f"{CALL_NOTE}; call back on {CALLER_PHONE}",
        },
    )
    assert called.status_code == 302, called.content.decode()[:2000]
    stranger_call = staff.post(
        "/staff/requests/new/",
        {
            **intake,
            "verification": "not_a_customer",
            "name": CALLER_NAME,
            "phone": CALLER_PHONE,
            "email": CALLER_EMAIL,
            "message": f"{CALLER_NAME} asks about starting service. {CALL_NOTE}",
        },
    )
    assert stranger_call.status_code == 302, stranger_call.content.decode()[:2000]
