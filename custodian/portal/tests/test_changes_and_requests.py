"""A customer sees the result of every change (a message after each), can't store a telephone number that
isn't one, and, having sent a request, lands on "My requests" where it shows."""

from custodian.casework.models import CustomerRequest
from custodian.casework.services import request_close
from custodian.testing.portal import signed_in
from custodian.vault.models import PersonalValue


def test_a_phone_number_is_checked_and_kept_in_one_form(households):  # noqa: F811
    (customer, app), _ = households
    client = signed_in(app, "pat@example.com")
    before = PersonalValue.objects.count()
    refused = client.post("/portal/me/contact/", {"phone": "abc", "email": "", "mailing_address": ""})
    html = refused.content.decode()
    assert refused.status_code == 400 and PersonalValue.objects.count() == before  # nothing stored
    assert "Not saved: Telephone: Enter a US telephone number" in html  # the field named by its label
    assert 'aria-invalid="true"' in html and 'value="abc"' in html  # kept, marked, beside its field
    for typed in ("507 451 2480", "+1 (507) 451-2480", "5074512480"):
        saved = client.post("/portal/me/contact/", {"phone": typed}, follow=True).content.decode()
        assert "Saved: your telephone." in saved and "507-451-2480" in saved
    assert client.post("/portal/me/contact/", {"phone": "555-0100"}).status_code == 400  # no area code


def test_every_change_says_what_happened(households):  # noqa: F811
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    out = client.post("/portal/me/marketing/", {"choice": "out"}, follow=True).content.decode()
    assert "Saved: we will not use your details for marketing." in out
    back = client.post("/portal/me/marketing/", {"choice": "in"}, follow=True).content.decode()
    assert "Saved: we may tell you about our programs again." in back
    client.post("/portal/me/marketing/", {"choice": "out"})
    for garbage in ({}, {"choice": ""}, {"choice": "yes please"}):
        page = client.post("/portal/me/marketing/", garbage, follow=True).content.decode()
        assert "Nothing changed" in page and "Opt back in" in page  # still opted out
    empty = client.post("/portal/me/contact/", {}, follow=True).content.decode()
    assert "Nothing to save" in empty


def test_a_sent_request_redirects_to_my_requests(households):  # noqa: F811
    (customer, app), (other, _) = households
    client = signed_in(app, "pat@example.com")
    sent = client.post("/portal/me/request/", {"kind": "privacy_question", "message": "Who reads my meter?"})
    assert sent.url == "/portal/me/requests/"  # redirected after the POST: a reload sends nothing twice
    page = client.get(sent.url).content.decode()
    assert "received; we will answer by" in page and "Ask a privacy question" not in page
    assert "Open: we answer by" in page
    req = CustomerRequest.objects.get(customer=customer)
    request_close(request=req, by=None, reason="Our meter readers read it monthly; nobody else does.")
    CustomerRequest.objects.create(customer=other, kind="other", channel="phone", owning_service="billing")
    page = client.get("/portal/me/requests/").content.decode()
    assert "Answered" in page and "Open: we answer by" not in page
    assert page.count('class="my-request"') == 1  # the other customer's is not here
