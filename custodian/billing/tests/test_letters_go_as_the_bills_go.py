"""The letters about a customer's bills and payments go the way their bills go: a payment's receipt and the
answer to a request for a payment agreement (agreed, or answered without one) are mailed to a customer who
gets paper bills; to one who chose paperless billing the letter is kept in My account, never printed, and an
e-mail tells them only that a letter is waiting there (the address read through the gate, for contacting
customers), in the customer's language: not its subject, so no account number, no amounts, nothing of
arrears, for every kind of letter that goes so. A paperless customer with no e-mail address on file, whose
e-mail fails for good (refused, every attempt failed, or bounced: that same letter is then mailed, one letter
on the record, saying why), or whose online account is still limited (its letters page refused until the
code mailed to the mailing address is entered), gets the letter by mail.

Personas: Bill, the billing clerk, recording checks; Colin, the collections agent, answering requests for
payment agreements; Alice, who gets paper bills, and later chooses paperless; Bob, paperless and reading
Spanish."""

import smtplib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.billing.notices import paperless_set
from custodian.billing.services import late_fees_assess
from custodian.collecting.services import (
    payment_agreement_agree,
    payment_agreement_decline,
    payment_agreement_request,
)
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import MAILED_INSTEAD, letters_mail, message_bounce_record, messages_retry
from custodian.payments.received import payment_received_record
from custodian.portal.models import PortalAccount
from custodian.testing import bill_charged, letter_text, portal_browser
from custodian.testing.billing import account_opened
from custodian.vault.services import Submission, personal_data_record

TODAY = timezone.localdate()


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient for good (a 5xx reply)."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"5.1.1 mailbox unavailable") for m in messages})


class BusyBackend(BaseEmailBackend):
    """A mail server that answers "try again later" (a 4xx reply) every time."""

    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(421, b"4.7.0 Try again later")


def _check(customer, by, amount="40.00", number="1042"):
    return payment_received_record(
        account_id=customer.accounts.get().pk,
        amount=amount,
        method="check",
        received_on=TODAY,
        check_number=number,
        by=by,
    )


def _mailed_to(address):
    return [m for m in mail.outbox if [a.lower() for a in m.to] == [address]]


def _paperless(customer, language="en"):
    paperless_set(customer_id=customer.pk, paperless=True, channel="portal")
    Customer.objects.filter(pk=customer.pk).update(language=language)
    customer.refresh_from_db()


def _asked(customer):
    account = customer.accounts.get()
    bill_charged(account, 9, "764.36")
    return payment_agreement_request(account_id=account.pk, requested_on=TODAY)


def _receipt(customer, clerk, _agent):
    _check(customer, clerk)


def _agreed(customer, _clerk, agent):
    payment_agreement_agree(agreement_id=_asked(customer).pk, installment=Decimal("400"), by=agent, on=TODAY)


def _declined(customer, _clerk, agent):
    payment_agreement_decline(
        agreement_id=_asked(customer).pk,
        because="terms_declined",
        offered_installment=Decimal("200"),
        by=agent,
        on=TODAY,
    )


def test_alice_on_paper_bills_gets_her_receipt_by_mail(customer, billing_clerk):
    payment = _check(customer, billing_clerk)
    [letter] = OutboundMessage.objects.filter(to_customer=customer)
    assert (letter.channel, letter.status, letter.template) == ("letter", "queued", "payment_receipt")
    text = letter_text(letter)
    assert f"Subject: Your receipt {payment.pk}: the payment we received on {TODAY:%B} {TODAY.day}" in text
    assert "we received your payment of $40.00" in text and "by check number 1042" in text
    assert _mailed_to("alice@example.com") == []


def test_alice_paperless_finds_her_receipt_in_my_account_told_by_an_e_mail_without_amounts(
    customer, billing_clerk, privacy_officer, letter_vendor
):
    _paperless(customer)
    payment = _check(customer, billing_clerk)
    letter = OutboundMessage.objects.get(to_customer=customer, channel="letter")
    assert (letter.status, letter.template) == ("online", "payment_receipt")
    assert "we received your payment of $40.00" in letter_text(letter)  # the whole receipt, in My account
    [email] = _mailed_to("alice@example.com")
    assert email.subject == "A letter from us is waiting in My account"
    assert "/portal/me/messages/" in email.body and "carries no amounts" in email.body
    assert "$" not in email.body
    told = OutboundMessage.objects.get(to_customer=customer, channel="email")
    assert (told.template, told.regarding) == ("letter_in_my_account", f"receipt:{payment.pk}")
    assert AccessEvent.objects.filter(
        customer_id=str(customer.pk), purpose="contacting_customers", actor_label__contains="bill_notices"
    ).exists()
    page = portal_browser(customer, "alice").get("/portal/me/messages/").content.decode()
    assert "In My account (paperless): not mailed" in page and "we received your payment of $40.00" in page
    # Never printed: the mailing house's next export holds no letter of hers.
    vendor, _ = letter_vendor
    letters_mail(vendor=vendor, requested_by=privacy_officer)
    letter.refresh_from_db()
    assert letter.status == "online" and letter.letter_export_id is None


def test_bob_paperless_reads_the_e_mail_and_the_agreement_s_terms_in_spanish(
    other_customer, collections_agent
):
    _paperless(other_customer, "es")
    agreement = _asked(other_customer)
    payment_agreement_agree(
        agreement_id=agreement.pk, installment=Decimal("400"), by=collections_agent, on=TODAY
    )
    letter = OutboundMessage.objects.get(to_customer=other_customer, template="payment_agreement")
    assert letter.status == "online"
    assert "$400.00 al mes para pagar los $764.36 vencidos ese día" in letter_text(letter)
    [email] = _mailed_to("bob@example.net")
    assert email.subject == "Tiene una carta nuestra en Mi cuenta"
    assert "Inicie sesión para leerla" in email.body and "ni incluye montos" in email.body
    assert "$" not in email.body


def test_bob_paperless_is_told_of_a_request_answered_without_an_agreement(other_customer, collections_agent):
    _paperless(other_customer, "es")
    _declined(other_customer, None, collections_agent)
    letter = OutboundMessage.objects.get(to_customer=other_customer, template="payment_agreement_declined")
    assert letter.status == "online"
    [email] = _mailed_to("bob@example.net")
    assert email.subject == "Tiene una carta nuestra en Mi cuenta" and "$" not in email.body


@pytest.mark.parametrize("answer", [_agreed, _declined], ids=["agreed", "declined"])
def test_alice_on_paper_bills_gets_the_answer_by_mail_in_spanish_too(customer, collections_agent, answer):
    Customer.objects.filter(pk=customer.pk).update(language="es")
    answer(customer, None, collections_agent)
    [letter] = OutboundMessage.objects.filter(to_customer=customer)
    assert (letter.channel, letter.status) == ("letter", "queued")
    assert "Language: es" in letter_text(letter)
    assert _mailed_to("alice@example.com") == []


def test_a_paperless_customer_without_an_e_mail_address_gets_the_receipt_by_mail(
    customer, billing_clerk, service_rep
):
    _paperless(customer, "es")
    personal_data_record(
        customer=customer,
        values={"email": None},
        submission=Submission(channel="phone", notice_key="account_application", recorded_by=service_rep),
    )
    _check(customer, billing_clerk)
    [letter] = OutboundMessage.objects.filter(to_customer=customer, template="payment_receipt")
    assert (letter.channel, letter.status) == ("letter", "queued")
    assert "Gracias: recibimos su pago de $40.00" in letter_text(letter)


def _one_letter_mailed_instead(customer, privacy_officer, letter_vendor):
    """Alice's record holds one receipt, queued for the mailing vendor saying why, then mailed, and shown to
    her once, as mailed after the e-mail failed."""
    [letter] = OutboundMessage.objects.filter(to_customer=customer, channel="letter")
    assert (letter.status, letter.delivered_at) == ("queued", None)
    assert letter.failure == MAILED_INSTEAD
    vendor, _ = letter_vendor
    report = letters_mail(vendor=vendor, requested_by=privacy_officer)
    assert report.mailed == 1
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.letter_export_id == report.export_id
    assert OutboundMessage.objects.filter(to_customer=customer, channel="letter").count() == 1
    page = portal_browser(customer, "alice").get("/portal/me/messages/").content.decode()
    assert page.count("we received your payment of $40.00") == 1
    assert "We mailed this letter because the e-mail telling you it was in My account" in page
    assert "The letter as printed (PDF)" in page
    return letter


def test_an_e_mail_refused_for_good_sends_that_same_letter_by_mail(
    customer, billing_clerk, privacy_officer, letter_vendor, settings
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    _paperless(customer)
    _check(customer, billing_clerk)
    statuses = sorted(OutboundMessage.objects.filter(to_customer=customer).values_list("channel", "status"))
    assert statuses == [("email", "failed"), ("letter", "queued")]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    _one_letter_mailed_instead(customer, privacy_officer, letter_vendor)


def test_an_e_mail_whose_every_attempt_failed_sends_the_letter_by_mail(
    customer, billing_clerk, privacy_officer, letter_vendor, settings
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BusyBackend"}}
    settings.CUSTODIAN_OUTBOX_MAX_ATTEMPTS = 2
    _paperless(customer)
    _check(customer, billing_clerk)
    letter = OutboundMessage.objects.get(to_customer=customer, channel="letter")
    assert letter.status == "online"  # not yet: the e-mail will be sent again
    messages_retry(now=timezone.now() + timedelta(days=1))
    told = OutboundMessage.objects.get(to_customer=customer, channel="email")
    assert (told.status, told.attempts) == ("failed", 2)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    _one_letter_mailed_instead(customer, privacy_officer, letter_vendor)


def test_an_e_mail_that_bounced_sends_the_letter_by_mail(
    customer, billing_clerk, privacy_officer, letter_vendor
):
    _paperless(customer)
    _check(customer, billing_clerk)
    told = OutboundMessage.objects.get(to_customer=customer, channel="email")
    message_bounce_record(message=told, kind="bounced", code="5.1.1")
    _one_letter_mailed_instead(customer, privacy_officer, letter_vendor)


def test_a_letter_no_longer_waiting_is_not_queued_again_by_a_bounce(customer, billing_clerk):
    """A letter already mailed (or no longer waiting in My account) is never queued a second time."""
    _paperless(customer)
    _check(customer, billing_clerk)
    letter = OutboundMessage.objects.get(to_customer=customer, channel="letter")
    OutboundMessage.objects.filter(pk=letter.pk).update(status="sent")
    told = OutboundMessage.objects.get(to_customer=customer, channel="email")
    message_bounce_record(message=told, kind="bounced", code="5.1.1")
    letter.refresh_from_db()
    assert (letter.status, letter.failure) == ("sent", "")


def test_the_receipt_says_a_late_fee_was_taken_back(customer, billing_clerk):
    """Alice's October bill ($120.00) was due November 22, 2026 and charged $1.80 the next day; her check,
    received on the due date, is recorded on November 27."""
    account = account_opened(customer, date(2026, 1, 1))
    bill_charged(account, 10, "120.00")
    late_fees_assess(as_of=date(2026, 11, 25))
    payment_received_record(
        account_id=account.pk,
        amount="120.00",
        method="check",
        received_on=date(2026, 11, 22),
        by=billing_clerk,
        today=date(2026, 11, 27),
    )
    letter = OutboundMessage.objects.get(to_customer=customer, template="payment_receipt")
    assert "so we took back the late payment charge of $1.80" in letter_text(letter)


# Every kind of letter that goes the way the bills go (`letter_as_bills_go`'s callers).
LETTER_KINDS = {
    "payment_receipt": _receipt,
    "payment_agreement": _agreed,
    "payment_agreement_declined": _declined,
}
# What the e-mail never says: the account, the amounts, what the letter is about.
NEVER_SAID = ("0010000001", "$", "agreement", "receipt", "arrears", "past due", "acuerdo", "recibo", "vencid")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", sorted(LETTER_KINDS))
def test_the_e_mail_says_only_that_a_letter_is_waiting(
    customer, billing_clerk, collections_agent, kind, language
):
    _paperless(customer, language)
    LETTER_KINDS[kind](customer, billing_clerk, collections_agent)
    letter = OutboundMessage.objects.get(to_customer=customer, channel="letter", template=kind)
    assert letter.status == "online"
    [email] = _mailed_to("alice@example.com")
    said = f"{email.subject}\n{email.body}".lower()
    for word in NEVER_SAID:
        assert word.lower() not in said, word
    waiting = {
        "en": "A letter from us is waiting in My account",
        "es": "Tiene una carta nuestra en Mi cuenta",
    }
    assert email.subject == waiting[language]


def test_a_limited_online_account_gets_its_letters_by_mail(customer, billing_clerk):
    """Alice's online account is still limited: it cannot open the letters in My account, so her receipt is
    mailed, and no e-mail points her to a page that would refuse her."""
    _paperless(customer)
    browser = portal_browser(customer, "alice")
    PortalAccount.objects.filter(customer=customer).update(limited=True)
    assert browser.get("/portal/me/messages/").status_code == 403
    _check(customer, billing_clerk)
    [letter] = OutboundMessage.objects.filter(to_customer=customer)
    assert (letter.channel, letter.status, letter.template) == ("letter", "queued", "payment_receipt")
    assert _mailed_to("alice@example.com") == []
    # Once the code is entered, the next letter waits in My account again.
    PortalAccount.objects.filter(customer=customer).update(limited=False)
    _check(customer, billing_clerk, number="1043")
    assert (
        OutboundMessage.objects.filter(to_customer=customer, channel="letter", status="online").count() == 1
    )
