"""A customer's request to erase their data gets an honest answer: what the utility must keep and why (with
the schedule item and when it goes), and what it deletes now — the voluntary telephone and e-mail, the
marketing data, the online account — which it does, answering by letter."""

from django.test import Client

from custodian.outbox.models import OutboundMessage
from custodian.portal.models import PortalAccount
from custodian.retention.models import ErasureRecord
from custodian.testing import letter_text
from custodian.testing.portal import PASSWORD, password_again, signed_in
from custodian.vault.models import PersonalValue
from custodian.vault.services import opted_out_customer_ids


def test_the_portal_says_what_is_kept_and_why_before_anything_is_deleted(households):  # noqa: F811
    (alice, app), _ = households
    client = password_again(signed_in(app, "alice@example.org"))
    page = client.get("/portal/me/delete-my-data/").content.decode()
    assert "What we must keep, and why" in page
    assert "General Records Retention Schedule for Minnesota Cities" in page
    assert "while your account is open, then 6 years after it closes" in page
    assert "telephone number and e-mail address" in page
    assert PersonalValue.objects.filter(customer=alice, field="email").exists()


def test_an_erasure_request_deletes_what_may_go_and_answers_by_letter(households):  # noqa: F811
    (alice, app), (bob, _) = households
    client = password_again(signed_in(app, "alice@example.org"))
    refused = client.post("/portal/me/delete-my-data/", {})
    assert refused.status_code == 400  # the customer must say they understand
    assert PortalAccount.objects.filter(customer=alice).exists()

    done = client.post("/portal/me/delete-my-data/", {"understood": "on"})
    assert done.status_code == 200
    assert "Deleted today" in done.content.decode()
    assert not PersonalValue.objects.filter(customer=alice, field__in=["email", "phone"]).exists()
    assert PersonalValue.objects.filter(customer=alice, field="name").exists()  # kept, as the answer said
    assert alice.pk in opted_out_customer_ids()
    assert not PortalAccount.objects.filter(customer=alice).exists()
    assert (
        Client().post("/portal/sign-in/", {"email": "alice@example.org", "password": PASSWORD}).status_code
        == 400
    )
    # Bob's data is untouched.
    assert PersonalValue.objects.filter(customer=bob, field="email").exists()

    record = ErasureRecord.objects.get(customer=alice)
    assert record.online_account_deleted and record.values_deleted >= 1 and record.requested_via == "portal"
    letter = record.answer_letter
    assert letter.channel == "letter" and letter.status == "queued" and letter.template == "erasure_answer"
    text = letter_text(letter)
    assert "What we must keep, and why" in text and "Deleted today" in text
    assert OutboundMessage.objects.filter(to_customer=alice, regarding=f"erasure:{alice.pk}").count() == 1


def test_the_answer_is_in_the_customer_s_language(households):  # noqa: F811
    (alice, app), _ = households
    client = password_again(signed_in(app, "alice@example.org"))
    page = client.get("/portal/me/delete-my-data/?lang=es").content.decode()
    assert "mientras su cuenta esté abierta y, una vez cerrada, 6 años más" in page
    assert "General Records Retention Schedule for Minnesota Cities" in page  # the schedule's own name
    client.post("/portal/me/delete-my-data/", {"understood": "on"})
    letter = ErasureRecord.objects.get(customer=alice).answer_letter
    text = letter_text(letter)
    assert "Eliminado hoy" in text and "Lo que debemos conservar, y por qué" in text
    assert "Su cuenta en línea" in text and "se conserva" in text
    assert "Deleted today" not in text and "years" not in text
