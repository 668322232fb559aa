"""Bank details in what is written down and travels: the answer to a data request (the letter, its copy in
the portal's My requests and Messages, the mailing house's file, the staff's preview and its data) carries
only the last four digits of the bank details, as the portal shows them until the password is re-entered;
the full numbers reach the customer only through the download made after re-entering it."""

import json

from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letters_mail
from custodian.testing.portal import PASSWORD, signed_in
from custodian.vault.services import Submission, personal_data_record

BANK = "routing 954396747 account 475958332552"
SHOWN = "routing ••••••••• account ••••••••2552"


def _asked(households):
    (customer, app), _ = households
    personal_data_record(
        customer=customer,
        values={"bank_account": BANK},
        submission=Submission(channel="portal", notice_key="automatic_payment"),
    )
    client = signed_in(app, "ann@example.com")
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Everything, please", "notice_shown": "portal_request:2026.1"},
    )
    return customer, client, CustomerRequest.objects.get(customer=customer, kind="data_access")


def test_the_answer_shows_the_bank_account_by_its_last_four_digits_everywhere_it_goes(
    households, privacy_officer, console, letter_vendor
):
    customer, client, req = _asked(households)
    staff = console(privacy_officer)
    preview = staff.get(f"/staff/requests/{req.pk}/package/").content.decode()
    data = json.loads(staff.get(f"/staff/requests/{req.pk}/package/", {"format": "json"}).content)
    held = {d["label"]: d["value"] for d in data["data"]}
    assert SHOWN in preview and held["Bank account for automatic payment"] == SHOWN
    data_request_answer(request=req, by=privacy_officer)
    for page in ("/portal/me/requests/", "/portal/me/messages/"):
        shown = client.get(page).content.decode()
        assert SHOWN in shown and "475958332552" not in shown and "954396747" not in shown
        assert "re-enter your password, then download your data" in shown
    letter = OutboundMessage.objects.get(template="data_request_answer")
    letters_mail(vendor=letter_vendor[0], requested_by=privacy_officer)
    sent = client.get(f"/portal/me/messages/{letter.pk}/letter.pdf")
    assert sent.status_code == 200 and b"475958332552" not in sent.content
    # The full numbers: the customer's own download, after re-entering the password.
    assert BANK not in client.get("/portal/me/download.json").content.decode()
    client.post("/portal/me/confirm-it-is-you/", {"password": PASSWORD})
    assert json.loads(client.get("/portal/me/download.json").content)["data"]["bank_account"] == BANK
