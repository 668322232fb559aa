"""The public site's forms record once per form drawn: Dana's message sent twice from the contact form (a
double click, the browser sending it again) is one request, the second copy told its reference; a third
party's registration sent twice is one registration, the second told its secret was shown once. The contact
form keeps working with every cookie blocked: the token is in the form, not in a cookie."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from custodian.casework.models import CustomerRequest
from custodian.connect.models import ThirdParty
from custodian.retention.services import retention_run
from custodian.testing.connect import REGISTRATION
from custodian.web.models import FormSent
from custodian.web.tests.test_contact_form import GOOD

SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}
MESSAGE = GOOD  # the contact form's message of its own tests
TOKEN = re.compile(r'<input type="hidden" name="once" value="([^"]+)"')


def test_a_message_sent_twice_is_one_request(db):
    browser = Client(enforce_csrf_checks=True)
    drawn = browser.get("/contact/").content.decode()
    token = TOKEN.search(drawn).group(1)
    notice = re.search(r'name="notice_shown" value="([^"]+)"', drawn).group(1)
    sent = {**MESSAGE, "notice_shown": notice, "once": token}
    first = browser.post("/contact/", sent, **SAME_ORIGIN)
    req = CustomerRequest.objects.get()
    assert first.status_code == 200 and f"reference #{req.pk}" in first.content.decode()
    again = browser.post("/contact/", sent, **SAME_ORIGIN)
    assert CustomerRequest.objects.count() == 1 and again.status_code == 200 and not again.cookies
    assert f"We received this message already (reference #{req.pk}): it was not sent twice." in (
        again.content.decode()
    )
    # A new form drawn is a new message.
    fresh = TOKEN.search(browser.get("/contact/").content.decode()).group(1)
    assert fresh != token


def test_a_message_with_errors_spends_nothing_and_answers_400(db):
    browser = Client(enforce_csrf_checks=True)
    token = TOKEN.search(browser.get("/contact/").content.decode()).group(1)
    refused = browser.post("/contact/", {**MESSAGE, "message": "", "once": token}, **SAME_ORIGIN)
    assert refused.status_code == 400 and f'value="{token}"' in refused.content.decode()
    assert browser.post("/contact/", {**MESSAGE, "once": token}, **SAME_ORIGIN).status_code == 200
    assert CustomerRequest.objects.count() == 1


def test_a_registration_sent_twice_is_one_third_party(db):
    browser = Client()
    token = TOKEN.search(browser.get("/connect/register/").content.decode()).group(1)
    first = browser.post("/connect/register/", {**REGISTRATION, "once": token})
    assert first.status_code == 201 and 'class="client-secret"' in first.content.decode()
    again = browser.post("/connect/register/", {**REGISTRATION, "once": token})
    assert ThirdParty.objects.count() == 1 and again.status_code == 409
    page = again.content.decode()
    assert "This registration was sent already" in page and 'class="client-secret"' not in page


def test_the_retention_run_forgets_forms_sent_a_day_ago(db):
    now = timezone.now()
    FormSent.objects.create(token="a" * 43, sent_at=now - timedelta(days=1, minutes=1), number="7")
    FormSent.objects.create(token="b" * 43, sent_at=now - timedelta(hours=23), number="8")
    result = retention_run(started_by_label="the scheduler")
    assert {p.key: count for p, count in result.pruned}["forms_sent"] == 1
    assert list(FormSent.objects.values_list("number", flat=True)) == ["8"]
