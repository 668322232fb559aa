"""When the e-mail address or mailing address on file is replaced, by whatever path, the old one is told:
an e-mail to the old e-mail address, a letter addressed to the old mailing address (the mailing vendor's row
and the printed letter carry the old address, not the new one), in the customer's language, saying when and
to call us. A correction by staff, the portal's contact details and the portal's change of e-mail address
(which tells the old address in its own words, once, as it does for a new e-mail address given to staff once
that address confirms) are walked here. A new telephone number is told at the
e-mail address on file, else by letter, by its last two digits only (that inbox or mailbox may not be the
customer's alone).

Personas: Alice, a customer at the counter with photo ID (the proof a correction of the e-mail or mailing
address needs); Carol, who gave no e-mail address; a customer signed in to My account; the privacy officer,
who answers her correction request and hands the letters to the mailing vendor."""

from django.core import mail
from django.test import Client

from custodian.casework.corrections import correction_apply
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letters_mail
from custodian.testing import export_rows, letter_text
from custodian.testing.portal import change_confirm_url, change_link, signed_in

OLD_STREET = "115 Elm Street, Owatonna, MN 55060"
NEW_STREET = "9 Oak Avenue, Owatonna, MN 55060"


def corrected(req, privacy_officer, values: dict) -> None:
    """The privacy officer's correction from the console, which can e-mail a new address its link."""
    correction_apply(request=req, by=privacy_officer, values=values, confirm_url=change_confirm_url)


def told(customer) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to_customer=customer, template="contact_changed"))


def test_a_corrected_mailing_address_is_told_by_a_letter_to_the_old_one(
    customer, open_request, privacy_officer, letter_vendor
):
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    correction_apply(request=req, by=privacy_officer, values={"mailing_address": NEW_STREET})
    (letter,) = told(customer)
    text = letter_text(letter)
    assert f"Mailed-To: {OLD_STREET}" in text and "The mailing address on file" in text
    assert "call us at 507-451-2480" in text

    vendor, private_key = letter_vendor
    letters_mail(vendor=vendor, requested_by=privacy_officer)
    letter.refresh_from_db()
    rows = {row["letter_ref"]: row for row in export_rows(letter.letter_export, private_key)}
    assert rows[str(letter.pk)]["mailing_address"] == OLD_STREET
    # The correction's own outcome letter goes to the new address on file.
    assert {row["mailing_address"] for ref, row in rows.items() if ref != str(letter.pk)} == {NEW_STREET}


def test_a_corrected_email_address_is_told_at_the_old_one_once_the_new_one_confirms(
    customer, open_request, privacy_officer, mailoutbox
):
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    corrected(req, privacy_officer, {"email": "alice.new@example.org"})
    assert not [m for m in mailoutbox if "alice@example.com" in [a.lower() for a in m.to]]
    assert Client().post(change_link("alice.new@example.org")).status_code == 200
    (told_old,) = [m for m in mailoutbox if "alice@example.com" in [a.lower() for a in m.to]]
    assert "e-mail address on file for your utility account was just changed" in told_old.body


def test_the_same_value_again_tells_nobody(customer, open_request, privacy_officer):
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    correction_apply(request=req, by=privacy_officer, values={"mailing_address": OLD_STREET})
    assert told(customer) == []


def test_the_portal_s_contact_details_tell_the_old_mailing_address(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    client.post("/portal/me/contact/", {"email": "", "phone": "", "mailing_address": NEW_STREET})
    (letter,) = told(customer)
    assert f"Mailed-To: {app.personal['mailing_address']}" in letter_text(letter)


def test_a_new_telephone_number_is_told_at_the_e_mail_address_by_its_last_two_digits_only(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    mail.outbox.clear()
    client.post("/portal/me/contact/", {"email": "", "phone": "507-555-0142", "mailing_address": ""})
    (message,) = told(customer)
    assert message.channel == "email"
    (sent,) = [m for m in mail.outbox if m.to == [app.personal["email"]]]
    assert "telephone number on file for your utility account was changed" in sent.subject.lower() + sent.body
    assert "a number ending in 42" in sent.body
    # The number in full is nowhere in what was sent, nor in the text kept of it.
    for shown in (sent.subject, sent.body, letter_text(message)):
        assert "0142" not in shown.replace("-", "") and "5550142" not in shown.replace("-", "")


def test_a_telephone_number_changed_where_no_e_mail_address_is_held_is_told_by_letter(
    carol, open_request, privacy_officer
):
    req = open_request(carol, "privacy_officer", kind="correction", verified=True)
    correction_apply(request=req, by=privacy_officer, values={"phone": "(507) 555-0177"})
    (letter,) = told(carol)
    text = letter_text(letter)
    assert letter.channel == "letter" and "a number ending in 77" in text and "555-0177" not in text
    assert "Mailed-To" not in text  # addressed to the mailing address on file


def test_a_telephone_number_corrected_with_a_new_e_mail_address_is_told_at_the_one_on_file_not_the_new_one(
    customer, open_request, privacy_officer, mailoutbox
):
    """The new e-mail address waits for its confirmation: the new number is told at the address on file."""
    req = open_request(customer, "privacy_officer", kind="correction", photo_id=True)
    corrected(req, privacy_officer, {"email": "someone.else@example.org", "phone": "(507) 555-0188"})
    (phone,) = [m for m in told(customer) if "a number ending in 88" in letter_text(m)]
    assert phone.channel == "email"
    assert [[a.lower() for a in m.to] for m in mailoutbox if "ending in 88" in m.body] == [
        ["alice@example.com"]
    ]


def test_a_telephone_number_changed_is_told_in_the_customer_s_spanish(households):
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    client.get("/portal/me/?lang=es")
    mail.outbox.clear()
    client.post("/portal/me/contact/", {"email": "", "phone": "507-555-0142", "mailing_address": ""})
    (sent,) = [m for m in mail.outbox if m.to == [app.personal["email"]]]
    assert "por un número que termina en 42" in sent.body and "555-0142" not in sent.body


def test_a_telephone_number_added_after_one_was_removed_is_told_too(households):
    """Whoever holds the session removes the number (the customer is told), then adds their own: told as
    well, at the e-mail address on file, by its last two digits."""
    (customer, app), _ = households
    client = signed_in(app, "owner@example.org")
    empty = {"email": "", "phone": "", "mailing_address": ""}
    client.post("/portal/me/contact/", {**empty, "remove_phone": "on"})
    mail.outbox.clear()
    client.post("/portal/me/contact/", {**empty, "phone": "507-555-0166"})
    removed, added = sorted(told(customer), key=lambda m: m.pk)
    assert added.channel == "email"
    (sent,) = [m for m in mail.outbox if m.to == [app.personal["email"]]]
    assert sent.subject == "A telephone number was added to your utility account"
    assert "A telephone number ending in 66 was added to your utility account" in sent.body
    assert "0166" not in sent.body.replace("-", "") and "call us at 507-451-2480" in sent.body


def test_an_e_mail_address_added_where_none_was_is_told_by_letter_in_spanish(
    carol, open_request, privacy_officer, mailoutbox
):
    Customer.objects.filter(pk=carol.pk).update(language="es")
    req = open_request(carol, "privacy_officer", kind="correction", photo_id=True)
    corrected(req, privacy_officer, {"email": "someone@example.org"})
    assert told(carol) == []  # nothing is on file before the new address confirms
    assert Client().post(change_link("someone@example.org")).status_code == 200
    (letter,) = told(carol)
    text = letter_text(letter)
    assert letter.channel == "letter" and "Mailed-To" not in text  # to the mailing address on file
    assert "Se agregó una dirección de correo electrónico a su cuenta" in text
    assert "someone@example.org" not in text
    assert not [m for m in mailoutbox if m.to == ["someone@example.org"] and "agreg" in m.body]


def test_an_enrolment_tells_nobody_of_the_contact_details_it_gives(customer, other_customer):
    assert told(customer) == [] and told(other_customer) == []
