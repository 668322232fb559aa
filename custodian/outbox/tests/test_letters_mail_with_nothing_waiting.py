"""`manage.py letters_mail` with no letter waiting says so in one sentence and draws no progress bar (a bar
without a total would say nothing); with letters waiting, the bar counts them to their total.

Personas: Priya, the privacy officer, handing the letters to Prairie Print & Mail."""

from django.core.management import call_command

from custodian.outbox.services import letter_send
from custodian.testing.billing import POLICY_CHANGE


def mailed(letter_vendor, privacy_officer) -> None:
    vendor, _ = letter_vendor
    call_command("letters_mail", "--vendor", str(vendor.pk), "--by", privacy_officer.username)


def test_nothing_waiting_is_one_sentence_and_no_bar(db, letter_vendor, privacy_officer, capsys):
    mailed(letter_vendor, privacy_officer)
    said = capsys.readouterr()
    assert said.out == "no letters waiting\n"
    assert said.err == ""


def test_letters_waiting_are_counted_to_their_total(customer, letter_vendor, privacy_officer, capsys):
    letter_send(
        to_customer=customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    mailed(letter_vendor, privacy_officer)
    said = capsys.readouterr()
    assert said.out.startswith("export ") and "1 letter," in said.out
    assert "letters to Prairie Print & Mail" in said.err and "1/1" in said.err
