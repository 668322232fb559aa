"""A letter kept in My account rather than mailed says why in its kept text's `To` line, and the customer
reads that line in their language: the answer to a data request the customer's representative made is kept
for her, not for the paperless billing Alice Anderson never chose; a paperless customer's letter says
paperless billing. Alice's Letters page says the same of the answer's status, and her download gives the
line in English or in Spanish, as she chose.

Personas: Alice Anderson, who reads English and then Spanish; Rosa Reyes, her attorney under a power of
attorney to make requests whose data leaves out Alice's correspondence, who asks to see Alice's data."""

import pytest
from django.utils import translation

from custodian.casework.data_requests import data_request_answer
from custodian.casework.models import CustomerRequest
from custodian.casework.package_words import message_text_in_words
from custodian.customers.models import Customer
from custodian.outbox.services import FOR_THE_REPRESENTATIVE, PAPERLESS, content_text
from custodian.testing import portal_browser, power_of_attorney
from custodian.testing.portal import acting_for, categories_but

SAID = {
    ("en", FOR_THE_REPRESENTATIVE): "To: My account (for the representative who made the request)",
    ("es", FOR_THE_REPRESENTATIVE): "Para: Mi cuenta (para el representante que hizo la solicitud)",
    ("en", PAPERLESS): "To: My account (paperless billing)",
    ("es", PAPERLESS): "Para: Mi cuenta (facturación sin papel)",
}


@pytest.mark.parametrize(("language", "kept_for"), sorted(SAID))
def test_the_to_line_in_the_reader_s_language(language, kept_for):
    kept = content_text(channel="letter", to=kept_for, subject="S", body="B")
    with translation.override(language):
        assert message_text_in_words("outbox:1:text", kept).splitlines()[1] == SAID[language, kept_for]


@pytest.fixture
def answered(customer, service_rep, privacy_officer):
    """Rosa's data request, answered by the privacy officer: the answer's record."""
    authority = power_of_attorney(customer, ("view", "requests"), categories_but("correspondence"))
    rep, rosa = acting_for(customer, service_rep, privacy_officer, authority)
    rosa.post("/portal/me/request/", {"kind": "data_access", "message": "All of Alice's data"})
    req = CustomerRequest.objects.get(customer=customer, representative=rep)
    data_request_answer(request=req, by=privacy_officer)
    req.refresh_from_db()
    return req.answer


def _answer_in(page: str, answer) -> str:
    return page.split(f'data-message="{answer.pk}"', 1)[1].split("</article>", 1)[0]


def test_the_answer_to_rosa_s_request_is_kept_for_her(customer, answered):
    alice = portal_browser(customer, "alice.anderson")
    listed = _answer_in(alice.get("/portal/me/messages/").content.decode(), answered)
    assert "In My account, for the representative who made the request: not mailed" in listed
    assert "paperless" not in listed
    file = alice.get("/portal/me/download.csv").content.decode()
    assert SAID["en", FOR_THE_REPRESENTATIVE] in file and "paperless billing" not in file

    Customer.objects.filter(pk=customer.pk).update(language="es")
    listed = _answer_in(alice.get("/portal/me/messages/?lang=es").content.decode(), answered)
    assert "En Mi cuenta, para el representante que hizo la solicitud: no enviada por correo postal" in listed
    file = alice.get("/portal/me/download.csv?lang=es").content.decode()
    assert SAID["es", FOR_THE_REPRESENTATIVE] in file
