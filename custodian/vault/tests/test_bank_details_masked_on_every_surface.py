"""Alice's bank details (routing 555000005, account 123456789) are shown to a person on every surface by their
last four digits only: to staff always (Colin in collections and Priya the privacy officer, on the console's
customer page and through the API; Priya's data request package, its letter, a correction notice to print and
the package of a disclosure under a subpoena), and to Alice on the portal's pages, her downloads (JSON and
CSV) and her answer to a data request until she enters her password again. The one place a person reads the
whole number is Alice's own download after re-entering her password (the bank's debit file, encrypted to the
bank, is the other, and no person's: custodian/payments/tests/test_autopay.py).

One row a surface: a surface added that shows the bank details is added here (the bank's notice of change,
which needs a debit the bank was sent, has a test of its own below)."""

import json

import pytest

from custodian.api.services import api_token_create
from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.disclosures.models import CorrectionNotice
from custodian.testing import COUNTY_ATTORNEY, TEST_ROUTING, portal_browser, subpoena_recorded
from custodian.testing.billing import change_notice_received, debits_sent

ACCOUNT = "123456789"
SHOWN = "routing ••••••••• account •••••6789"
PORTAL_PASSWORD = "x" * 20  # custodian.testing.portal_browser's


def _json(response) -> str:
    """A JSON answer as a person reads it (its characters, not their escapes)."""
    assert response.status_code == 200, response.status_code
    return json.dumps(json.loads(response.content), ensure_ascii=False)


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _api_reveal(client, user, customer, purpose, request_id=None):
    token = api_token_create(name="test", user=user)[1]
    body = {"fields": ["bank_account"], "purpose": purpose}
    if request_id is not None:
        body["request_id"] = request_id
    return _json(
        client.post(
            f"/api/v1/customers/{customer.pk}/reveal",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    )


def _customer_page(client, customer, purpose, request_id=""):
    return _page(
        client.post(
            f"/staff/customers/{customer.pk}/",
            {"fields": ["bank_account"], "purpose": purpose, "request": request_id},
        )
    )


def _disclosure_package(client, customer, officer):
    authority = subpoena_recorded(officer, [customer.pk], ["bank_account"])
    response = client.post(
        "/staff/privacy/disclosures/disclose/",
        {
            "basis_kind": "legal_authority",
            "basis_id": authority.pk,
            "customer_ids": str(customer.pk),
            "recipient_name": COUNTY_ATTORNEY[0],
            "categories": ["bank_account"],
            "purpose": "Subpoena in a civil case",
            "confirmed": "1",
        },
    )
    return _json(response)


@pytest.fixture
def surfaces(customer, privacy_officer, collections_agent, console, open_request, client):
    """Each surface a person reads Alice's bank details on: name → the text they get."""
    colin, priya = console(collections_agent), console(privacy_officer)
    dsr = open_request(customer, "privacy_officer", kind="data_access")
    CustomerRequest.objects.filter(pk=dsr.pk).update(verification="photo_id", verified_with="passport")
    dsr.refresh_from_db()
    correction = open_request(customer, "privacy_officer", kind="correction")
    notice = CorrectionNotice.objects.create(
        request=correction,
        customer=customer,
        recipient_name="Steele County Energy Assistance",
        categories="bank_account",
        source="customer",
    )
    alice = portal_browser(customer, "alice.online")
    return {
        "console: customer page, collections": lambda: _customer_page(colin, customer, "collecting_payments"),
        "console: customer page, privacy officer": lambda: _customer_page(
            priya, customer, "legal_obligations", dsr.pk
        ),
        "API: reveal, collections": lambda: _api_reveal(
            client, collections_agent, customer, "collecting_payments"
        ),
        "API: reveal, privacy officer": lambda: _api_reveal(
            client, privacy_officer, customer, "legal_obligations", dsr.pk
        ),
        "console: data request package": lambda: _page(priya.get(f"/staff/requests/{dsr.pk}/package/")),
        "console: data request package, JSON": lambda: _json(
            priya.get(f"/staff/requests/{dsr.pk}/package/", {"format": "json"})
        ),
        "console: correction notice to print": lambda: _page(
            priya.get(f"/staff/requests/{correction.pk}/notices/{notice.pk}/")
        ),
        "console: disclosure package": lambda: _disclosure_package(priya, customer, privacy_officer),
        "portal: my details": lambda: _page(alice.get("/portal/me/")),
        "portal: download, JSON": lambda: _json(alice.get("/portal/me/download.json")),
        "portal: download, CSV": lambda: _page(alice.get("/portal/me/download.csv")),
        "portal: the answer to my data request": lambda: (
            data_request_answer(request=dsr, by=privacy_officer) and _page(alice.get("/portal/me/requests/"))
        ),
    }


def test_every_surface_shows_the_bank_details_by_their_last_four_digits(surfaces):
    texts = {name: read() for name, read in surfaces.items()}
    not_shown = [name for name, text in texts.items() if SHOWN not in text]
    whole = [name for name, text in texts.items() if ACCOUNT in text or TEST_ROUTING in text]
    assert not_shown == [] and whole == [], {"not shown masked": not_shown, "the whole number shown": whole}


def test_the_bank_s_notice_of_change_shows_both_accounts_by_their_last_four_digits(
    on_autopay, bank, privacy_officer, collections_agent, console
):
    """Colin's page of a notification of change: the account on file (5550001) and the bank's correction
    (9876543210), each masked; the list of notices shows neither."""
    notice = change_notice_received(
        debits_sent(bank, privacy_officer)[0], "C01", "9876543210", by=collections_agent
    )
    colin = console(collections_agent)
    text = _page(colin.get(f"/staff/collections/bank-notices/{notice.pk}/"))
    assert "routing ••••••••• account •••0001 checking" in text
    assert "routing ••••••••• account ••••••3210 checking" in text
    assert "5550001" not in text and "9876543210" not in text and TEST_ROUTING not in text
    listed = _page(colin.get("/staff/collections/bank-notices/"))
    assert "•" not in listed and "3210" not in listed and "0001 checking" not in listed


def test_only_the_customers_own_download_after_her_password_shows_the_whole_number(customer):
    alice = portal_browser(customer, "alice.online")
    alice.post("/portal/me/confirm-it-is-you/", {"password": PORTAL_PASSWORD})
    assert json.loads(alice.get("/portal/me/download.json").content)["data"]["bank_account"] == (
        f"routing {TEST_ROUTING} account {ACCOUNT}"
    )
