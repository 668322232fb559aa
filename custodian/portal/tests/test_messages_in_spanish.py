"""The portal's list of letters and e-mails reads as Spanish in Spanish: "Carta, escrita el…" (a letter is
feminine) and "Correo electrónico, escrito el…"."""

from custodian.outbox.services import letter_send
from custodian.testing.billing import POLICY_CHANGE
from custodian.testing.portal import signed_in


def test_a_letter_is_escrita_and_an_e_mail_escrito(households, privacy_officer):
    (alice, alice_app), _ = households
    client = signed_in(alice_app, "alice@example.org")
    letter_send(to_customer=alice, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer)
    html = client.get("/portal/me/messages/?lang=es").content.decode()
    assert "<strong>Carta</strong>, escrita el " in html
    assert "<strong>Correo electrónico</strong>, escrito el " in html  # the sign-up's e-mail
    assert "Carta</strong>, escrito" not in html
