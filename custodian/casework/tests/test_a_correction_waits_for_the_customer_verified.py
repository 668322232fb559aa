"""Nothing of a customer's data is corrected on the word of someone not verified as the customer, as nothing
is released to them; and a new e-mail address given to staff goes on file only once it confirms itself by the
link e-mailed to it (the rule of the portal's own change), so a portal sign-up's link still goes to the
customer's own inbox meanwhile.

Personas: an outsider (Mallory) who e-mails a correction in the customer's name from a forged sender and then
signs up online with the account number and the bill's figure; the privacy officer, who answers the
challenge in the console; a customer (a demo household) who comes to the counter with photo ID and corrects
their e-mail address."""

import pytest
from django.core import mail
from django.test import Client

from custodian.casework.corrections import NOT_VERIFIED, correction_apply
from custodian.casework.services import RequestError
from custodian.disclosures.models import CorrectionNotice
from custodian.outbox.models import OutboundMessage
from custodian.portal.services import email_on_file
from custodian.testing.mailed_correction import correction_mailed
from custodian.testing.portal import change_confirm_url, change_link, confirm_link, enrol
from custodian.vault.gate import reveal, system_actor

MALLORY = "mallory@evil.example"


def corrected_at_console(client, req, email: str):
    """The privacy officer's correction of the e-mail address, as the request's page posts it."""
    return client.post(
        f"/staff/requests/{req.pk}/correction/",
        {"field": "email", "value": email, "named_recipients": ""},
        follow=True,
    )


def on_file(customer, field: str) -> str:
    return reveal(
        actor=system_actor("portal_enrolment"),
        customer_id=customer.pk,
        fields=[field],
        purpose="contacting_customers",
    ).get(field, "")


def test_an_outsiders_e_mail_changes_nothing_and_their_sign_up_s_link_goes_to_the_customer(
    households, privacy_officer, console, tmp_path
):
    (customer, app), _ = households
    req = correction_mailed(tmp_path, app, MALLORY)
    assert req.customer_id == customer.pk and not req.is_verified
    client = console(privacy_officer)
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    # The page offers the verification first, never the correction's form.
    assert "Verify the person" in page and 'id="verify-before-correcting"' in page
    assert "Apply the correction" not in page
    # Posted all the same, the correction is refused in words, and nothing changes or is sent.
    mail.outbox.clear()
    answer = corrected_at_console(client, req, MALLORY)
    assert "The person is not verified as the customer: nothing is corrected" in answer.content.decode()
    assert email_on_file(customer.pk) == app.personal["email"] and not mail.outbox
    assert not CorrectionNotice.objects.filter(request=req).exists()
    req.refresh_from_db()
    assert req.status == "open" and req.answered_at is None
    # The outsider's sign-up with the bill's figures: its link goes to the customer's own inbox, not theirs.
    enrol(Client(), app, MALLORY)
    assert confirm_link(app.personal["email"])
    assert not [m for m in mail.outbox if m.to == [MALLORY] and "/portal/confirm/" in m.body]


@pytest.mark.parametrize(
    "field,value",
    [
        ("email", MALLORY),
        ("mailing_address", "1 Drop Box Lane, Owatonna, MN 55060"),
        ("name", "Mallory Moriarty"),
    ],
)
def test_no_item_is_corrected_for_a_person_not_verified(households, privacy_officer, tmp_path, field, value):
    (customer, app), _ = households
    req = correction_mailed(tmp_path, app, MALLORY)
    before = on_file(customer, field)
    mail.outbox.clear()
    with pytest.raises(RequestError, match="not verified as the customer") as refused:
        correction_apply(
            request=req, by=privacy_officer, values={field: value}, confirm_url=change_confirm_url
        )
    assert str(refused.value) == NOT_VERIFIED
    assert on_file(customer, field) == before and not mail.outbox
    assert not OutboundMessage.objects.filter(to_customer=customer, template="correction_outcome").exists()


def test_a_verified_customer_s_new_e_mail_address_goes_on_file_once_it_confirms(
    households, privacy_officer, console, tmp_path
):
    (customer, app), _ = households
    new = "ann.new@example.org"
    # The customer's own, this time: they come to the counter with photo ID (the bill's figures would not do
    # for the e-mail address on file: test_a_contact_channel_needs_the_strongest_proof.py).
    req = correction_mailed(tmp_path, app, MALLORY)
    client = console(privacy_officer)
    verified = client.post(
        f"/staff/requests/{req.pk}/verify/",
        {
            "method": "photo_id",
            "verified_with": "drivers_license",
            "account_number": app.personal["account_number"],
        },
        follow=True,
    )
    assert "Verified" in verified.content.decode()
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Apply the correction" in page and "verify-before-correcting" not in page
    mail.outbox.clear()
    done = corrected_at_console(client, req, new)
    assert "A link was e-mailed to the new address" in done.content.decode()
    # Nothing on file changes yet: bills, notices and a sign-up's link still go to the address on file.
    assert email_on_file(customer.pk) == app.personal["email"]
    letter = OutboundMessage.objects.get(to_customer=customer, template="correction_outcome")
    assert letter.channel == "letter"
    link = change_link(new)
    assert Client().get(link).status_code == 200 and email_on_file(customer.pk) == app.personal["email"]
    assert Client().post(link).status_code == 200
    assert email_on_file(customer.pk) == new
    (told,) = [m for m in mail.outbox if m.to == [app.personal["email"]]]
    assert "was just changed, and confirmed from the new address" in told.body
