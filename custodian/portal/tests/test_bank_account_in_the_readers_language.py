"""The bank account for automatic payment, kept as the bank's debit file reads it ("routing … account …
checking", in English), is worded in the reader's language from its parts wherever the customer reads it:
on their page and in their download, masked until they enter their password again, as it always was.

Personas: Pat, a customer on the portal, paying automatically from her checking account."""

import pytest

from custodian.billing.services import bill_run
from custodian.payments.autopay import autopay_enrol
from custodian.testing import TEST_ROUTING
from custodian.testing.billing import AUTOPAY_FORM
from custodian.testing.portal import signed_in

MASKED_EN = "routing ••••••••• account •••7801 checking"
MASKED_ES = "número de ruta •••••••••, cuenta •••7801 corriente"


@pytest.fixture
def pat(households):
    (customer, app), _ = households
    bill_run(cycle="2026-10")
    autopay_enrol(
        account_id=customer.accounts.get().pk,
        bank_account=f"routing {TEST_ROUTING} account 4447801 checking",  # as the autopay page stores it
        submission=AUTOPAY_FORM,
    )
    return signed_in(app, "pat@example.com")


def test_her_page_and_her_download_word_the_bank_account_in_spanish(pat):
    page = pat.get("/portal/me/?lang=es").content.decode()
    assert MASKED_ES in page and MASKED_EN not in page
    csv = pat.get("/portal/me/download.csv").content.decode("utf-8-sig")
    assert MASKED_ES in csv and "routing" not in csv


def test_in_english_it_reads_as_before(pat):
    page = pat.get("/portal/me/?lang=en").content.decode()
    assert MASKED_EN in page
