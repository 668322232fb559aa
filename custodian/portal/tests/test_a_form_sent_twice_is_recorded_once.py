"""A portal form that records something records it once per form drawn: Pat sends her request, her new
telephone number, a consent, a statement or a card payment twice (a double click, the browser sending the
page again), and the second copy is told it is recorded already, as #N where the record has a number,
recording nothing more.

Each form is read from the page that draws it, its one-time token as a browser would send it: a form of the
table that is drawn without the token fails here."""

import html
import re

import pytest
from django.contrib.messages import get_messages

from custodian.casework.models import CustomerRequest
from custodian.customers.models import Account
from custodian.disclosures.models import Consent
from custodian.payments.models import PaymentSession
from custodian.testing import bill_charged
from custodian.testing.portal import CARRIED, signed_in
from custodian.vault.models import PersonalValue

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
_TOKEN = re.compile(r'<input type="hidden" name="once" value="([^"]+)"')


def token_on(client, page: str, action: str) -> str:
    """The one-time token of the form on `page` that posts to `action`."""
    drawn = client.get(page).content.decode()
    for form in _FORM.findall(drawn):
        if f'action="{action}"' in form or (page == action and "action=" not in form.split(">")[0]):
            found = _TOKEN.search(form)
            assert found, f"the form posting to {action} on {page} has no one-time token"
            return found.group(1)
    raise AssertionError(f"no form posting to {action} on {page}")


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# A form: the page that draws it, where it posts, what Pat sends, and what counts the records it makes.
FORMS = {
    "a request": (
        "/portal/me/request/",
        "/portal/me/request/",
        {"kind": "privacy_question", "message": "Who reads my meter?"},
        lambda: CustomerRequest.objects.count(),
    ),
    "a new telephone number": (
        "/portal/me/",
        "/portal/me/contact/",
        {"phone": "507 451 2480"},
        lambda: PersonalValue.objects.count(),
    ),
}


@pytest.mark.parametrize("what", sorted(FORMS))
def test_a_portal_form_sent_twice_records_once(what, households):
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    page, action, data, count = FORMS[what]
    token = token_on(pat, page, action)
    first = pat.post(action, {**data, "once": token})
    assert first.status_code == 302, (what, first.status_code)
    made = count()
    again = pat.post(action, {**data, "once": token})
    assert count() == made
    assert again.status_code == 302 and again.url == first.url
    assert any("This form was sent already" in s and "not recorded again" in s for s in _said(again)), what
    assert pat.get(again.url).status_code == 200, (what, again.url)  # a page she may open


def test_a_request_sent_twice_is_told_its_number(households):
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    token = token_on(pat, "/portal/me/request/", "/portal/me/request/")
    sent = {"kind": "privacy_question", "message": "Who else reads my meter?", "once": token}
    pat.post("/portal/me/request/", sent)
    again = pat.post("/portal/me/request/", sent)
    req = CustomerRequest.objects.get(customer=customer)
    assert f"This form was sent already: it is recorded as #{req.pk}, and was not recorded again." in _said(
        again
    )


def test_a_consent_given_twice_from_its_confirmation_is_kept_once(households):
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    token = token_on(pat, "/portal/me/consents/", "/portal/me/consents/")
    shown = pat.post(
        "/portal/me/consents/",
        {
            "recipient_name": "Solar Co",
            "recipient_contact": "quotes@solarco.example",
            "categories": ["name"],
            "purpose": "a quote for solar panels",
            "agree": "on",
            "covers_past": "12",
            "once": token,
        },
    )
    carried: dict[str, list[str]] = {}
    for name, value in CARRIED.findall(shown.content.decode()):
        carried.setdefault(name, []).append(html.unescape(value))
    assert carried["once"] == [token]  # the confirmation carries the form's token
    assert pat.post("/portal/me/consents/", carried).status_code == 302
    again = pat.post("/portal/me/consents/", carried)
    consent = Consent.objects.get()
    assert again.status_code == 302
    assert (
        f"This form was sent already: it is recorded as #{consent.pk}, and was not recorded again."
        in _said(again)
    )


def test_a_statement_sent_twice_is_kept_once(households, monkeypatch):
    """The statement of disagreement answers with a page, not a redirect: the second copy says it is kept."""
    (customer, app), _ = households
    pat = signed_in(app, "pat@example.com")
    kept = []
    monkeypatch.setattr(
        "custodian.portal.my_data_views.disagreement_keep", lambda **kwargs: kept.append(kwargs)
    )
    req = CustomerRequest.objects.create(
        customer=customer, kind="correction", channel="portal", owning_service="privacy_officer"
    )
    sent = {"statement": "My name is spelled Patt, with two t's.", "once": "t" * 43}
    monkeypatch.setattr("custodian.portal.my_data_views.disputed_categories", lambda req: [])
    first = pat.post(f"/portal/me/requests/{req.pk}/disagreement/", sent)
    again = pat.post(f"/portal/me/requests/{req.pk}/disagreement/", sent)
    assert first.status_code == 200 and again.status_code == 200 and len(kept) == 1
    assert "it was not kept twice" in again.content.decode()


def test_a_payment_sent_twice_opens_one_checkout(households, card_processor):
    """Pat's double click on "Continue to the payment page": one checkout at the processor; the second copy
    is taken back to her bills (not to the processor's page, whose address is not ours to keep), told the
    form was sent already. A new form drawn is a new payment."""
    (customer, app), _ = households
    account = Account.objects.get(customer=customer)
    bill_charged(account, 8, "523.29")
    pat = signed_in(app, "pat@example.com")
    token = token_on(pat, "/portal/me/bills/", "/portal/me/pay/")
    sent = {"account": account.pk, "amount": "100.00", "once": token}
    first = pat.post("/portal/me/pay/", sent)
    assert first.status_code == 302 and "/payments/simulated-processor/checkout/" in first.url
    again = pat.post("/portal/me/pay/", sent)
    assert PaymentSession.objects.count() == 1
    assert again.status_code == 302 and again.url == "/portal/me/bills/"
    assert any("This form was sent already" in s and "not recorded again" in s for s in _said(again))
    fresh = token_on(pat, "/portal/me/bills/", "/portal/me/pay/")
    assert fresh != token
    assert pat.post("/portal/me/pay/", {**sent, "once": fresh}).status_code == 302
    assert PaymentSession.objects.count() == 2


def test_a_payment_refused_spends_nothing(households, card_processor):
    """More than the account owes, not ticked as paying ahead: refused by its field (400), the token kept, and
    the form corrected opens one checkout."""
    (customer, app), _ = households
    account = Account.objects.get(customer=customer)
    bill_charged(account, 8, "523.29")
    pat = signed_in(app, "pat@example.com")
    token = token_on(pat, "/portal/me/bills/", "/portal/me/pay/")
    refused = pat.post("/portal/me/pay/", {"account": account.pk, "amount": "9999.00", "once": token})
    assert refused.status_code == 400 and f'value="{token}"' in refused.content.decode()
    sent = {"account": account.pk, "amount": "523.29", "once": token}
    assert pat.post("/portal/me/pay/", sent).status_code == 302
    assert pat.post("/portal/me/pay/", sent).url == "/portal/me/bills/"
    assert PaymentSession.objects.count() == 1
