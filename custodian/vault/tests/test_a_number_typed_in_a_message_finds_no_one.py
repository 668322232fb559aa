"""An account number finds the account's holder only. Someone who writes in on the contact form is an
inquirer, and the number they type is what they wrote, not an account we gave them: a lookup by it never
finds them. So a message naming Alice's number blocks neither her sign-up nor the check of her identity, and
is not mixed into staff's lookups; and mail from the address Alice keeps on file is hers, though someone once
wrote in with it too.

Personas: Alice (a customer; her bill says 0010000010 and 378 kWh), a stranger writing in on the contact form
with her number and her e-mail address, and Priya, the privacy officer, checking a data request's sender."""

import pytest
from django.test import Client

from conftest import PAPER_FORM, application_for
from custodian.casework.mail_import import import_one
from custodian.casework.models import CustomerRequest
from custodian.customers.choices import CustomerClass
from custodian.customers.services import customer_enrol
from custodian.demo.development import not_demo_data
from custodian.policy.loader import current_policy
from custodian.portal.services import ENROLMENT_JOB
from custodian.testing.portal import PASSWORD, confirm_link
from custodian.vault.gate import find_customers, system_actor

NUMBER, KWH, ON_FILE = "0010000010", 378, "alice@example.com"
USAGE = '{"electric":{"unit":"kWh","months":[{"month":"2026-10","total":378.2}]}}'


@pytest.fixture
def alice(db):
    return customer_enrol(
        application=application_for("Alice Anderson", ON_FILE, "507-555-0101", NUMBER, meter_usage=USAGE),
        submission=PAPER_FORM,
    )


def written_in(*, topic="billing_question", email="stranger@example.org") -> CustomerRequest:
    """The contact form, sent by someone not signed in, naming Alice's account number."""
    Client(enforce_csrf_checks=True).get("/contact/")
    form = {
        "topic": topic,
        "message": "About account 0010000010",
        "name": "Sam Stranger",
        "email": email,
        "phone": "",
        "account_number": NUMBER,
        "website": "",
    }
    notice = current_policy().notices["contact_form"]
    answer = Client(enforce_csrf_checks=True).post(
        "/contact/", {**form, "notice_shown": notice.shown}, HTTP_ORIGIN="http://testserver"
    )
    assert answer.status_code == 200
    request = CustomerRequest.objects.latest("pk")
    assert request.customer.customer_class == CustomerClass.INQUIRER
    return request


def found_by_number() -> list[int]:
    return find_customers(
        actor=system_actor(ENROLMENT_JOB), field="account_number", value=NUMBER, purpose="providing_services"
    )


def test_the_number_finds_the_holder_only(alice):
    written_in()
    written_in(email="another@example.org")
    assert found_by_number() == [alice.pk]


def test_a_message_naming_the_number_blocks_no_sign_up(alice):
    written_in()
    Client().post(
        "/portal/enrol/",
        {"account_number": NUMBER, "last_electric_kwh": KWH, "email": ON_FILE, "password": PASSWORD},
    )
    assert confirm_link(to=ON_FILE)


def test_the_senders_identity_is_checked_against_the_holders_number(alice, console, privacy_officer):
    request = written_in(topic="data_access")
    answer = console(privacy_officer).post(
        f"/staff/requests/{request.pk}/verify/",
        {"method": "account_and_bill", "account_number": NUMBER, "bill_kwh": KWH},
    )
    assert "No account with that number" not in answer.content.decode()
    request.refresh_from_db()
    assert request.verified_at is not None and request.customer_id == alice.pk


def test_mail_from_the_address_on_file_is_the_holders(alice):
    written_in(email=ON_FILE)
    raw = (
        f"From: Alice Anderson <{ON_FILE}>\nSubject: My bill\nMessage-ID: <bill-9@example.com>\n\n"
        "Why is my bill higher?\n"
    ).encode()
    assert import_one(raw) is True
    assert CustomerRequest.objects.latest("pk").customer_id == alice.pk


def test_a_message_naming_a_number_opens_no_account_outside_the_demo(db):
    written_in()
    assert not_demo_data() == ""
