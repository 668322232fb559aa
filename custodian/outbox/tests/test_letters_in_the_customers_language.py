"""Letters and e-mails in the customer's language (`Customer.language`, kept from the portal): the template of
that language where there is one, the words the caller composed translated with it; English otherwise."""

from pathlib import Path

from custodian.casework.corrections import meter_challenge_result, meter_challenge_route
from custodian.casework.models import CustomerRequest
from custodian.customers.models import Customer
from custodian.outbox.models import OutboundMessage
from custodian.outbox.selectors import sent_to_customer
from custodian.outbox.services import letter_send, message_render
from custodian.outbox.tests.test_every_letter_in_spanish import CONTEXT as EVERY_VARIABLE
from custodian.testing.billing import POLICY_CHANGE
from custodian.vault.gate import customer_actor


def text_of(customer, message) -> str:
    mine = sent_to_customer(actor=customer_actor(customer.pk), customer_id=customer.pk)
    found = next(m for m in mine if m.id == message.pk)
    return f"{found.subject}\n{found.body}"


def speaks(customer, language):
    Customer.objects.filter(pk=customer.pk).update(language=language)
    customer.refresh_from_db()
    return customer


def test_a_policy_change_letter_in_spanish_for_a_customer_who_chose_it(
    customer, other_customer, privacy_officer
):
    speaks(customer, "es")
    spanish = letter_send(
        to_customer=customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    english = letter_send(
        to_customer=other_customer, template="policy_change", context=POLICY_CHANGE, sent_by=privacy_officer
    )
    assert "Nuestra política de privacidad cambia" in text_of(customer, spanish)
    assert "Estimado cliente" in text_of(customer, spanish)
    assert "Dear customer" in text_of(other_customer, english)


def test_a_meter_challenge_result_in_spanish_words_and_all(customer, privacy_officer, field_tech):
    speaks(customer, "es")
    req = CustomerRequest.objects.create(
        customer=customer, kind="correction", channel="portal", owning_service="privacy_officer"
    )
    meter_challenge_route(
        request=req, by=privacy_officer, outcome="reread", note="La lectura de octubre se duplicó"
    )
    req.refresh_from_db()
    meter_challenge_result(
        request=req, by=field_tech, result="confirmed", findings="Una segunda lectura dio 48.213 kWh."
    )
    routed, result = OutboundMessage.objects.filter(to_customer=customer).order_by("pk")
    assert "El servicio de campo volverá a leer su medidor" in text_of(customer, routed)
    body = text_of(customer, result)
    assert "El resultado de su impugnación" in body and "encontramos que son exactas" in body
    assert "Comisionado de Administración" in body and "declaración de desacuerdo" in body
    assert "Commissioner" not in body


def test_every_spanish_template_has_its_english_one_and_renders():
    """A Spanish template stands beside an English one of the same name (the fallback), and renders."""
    root = Path(__file__).resolve().parents[2]
    spanish = sorted(root.glob("*/templates/outbox/es/*.txt"))
    assert len(spanish) >= 10
    for path in spanish:
        english = path.parent.parent / path.name
        assert english.exists(), f"{path} has no English template beside it"
    for name in {p.name.removesuffix(".subject.txt").removesuffix(".txt") for p in spanish}:
        rendered = message_render(template=name, context=EVERY_VARIABLE, language="es")
        assert rendered.subject and rendered.body, name
