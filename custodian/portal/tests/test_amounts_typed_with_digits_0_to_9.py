"""An amount a customer types in the portal is read only when written with the digits 0 to 9: Pat paying
"1e3" is not sent to the card processor's page to pay $1000.00, nor "١٠" (Arabic-Indic digits) to pay $10.00;
the page comes back naming the amount, in English and in Spanish, and no payment is started. The same for
the installment of a payment agreement and the kWh figure of the bill at enrolment."""

import pytest
from django.core import mail
from django.test import Client

from custodian.billing.services import bill_run
from custodian.collecting.models import PaymentAgreement
from custodian.payments.models import PaymentSession
from custodian.testing.portal import PASSWORD, confirm_link, enrol, last_kwh, signed_in


@pytest.fixture
def pat(households, card_processor):  # noqa: F811
    """Pat, signed in to the portal, with a bill to pay and a card processor to pay it on."""
    assert bill_run(cycle="2026-10") == 2
    (customer, app), _ = households
    return signed_in(app, "pat@example.com"), customer.accounts.get()


@pytest.mark.parametrize("typed", ["1e3", "١٠", "１０", "10,00", "NaN"])
def test_an_amount_to_pay_not_written_with_the_digits_0_to_9_starts_no_payment(pat, typed):
    client, account = pat
    refused = client.post("/portal/me/pay/", {"account": account.pk, "amount": typed})
    page = refused.content.decode()
    assert refused.status_code == 400 and not PaymentSession.objects.exists()
    assert "Amount to pay ($)" in page and "Enter an amount in dollars written with the digits 0 to 9" in page
    paid = client.post("/portal/me/pay/", {"account": account.pk, "amount": "10"})
    assert paid.status_code == 302 and PaymentSession.objects.get().amount == 10


@pytest.mark.parametrize("typed", ["$10", "$10.00", "1,000", "$1,000.00"])
def test_an_amount_written_with_a_dollar_sign_or_thousands_grouped_is_read(pat, typed):
    client, account = pat
    response = client.post("/portal/me/pay/", {"account": account.pk, "amount": typed})
    expected = 10 if "10" in typed and "," not in typed else 1000
    if response.status_code == 302:
        assert PaymentSession.objects.get().amount == expected
    else:  # more than is owed: refused in its own words, not as a number badly written
        assert "written with the digits 0 to 9" not in response.content.decode()


def test_the_amount_is_refused_in_spanish_for_a_customer_reading_spanish(pat):
    client, account = pat
    page = client.post("/portal/me/pay/?lang=es", {"account": account.pk, "amount": "1e3"}).content.decode()
    assert (
        "Escriba una cantidad en dólares con las cifras 0 a 9" in page and not PaymentSession.objects.exists()
    )


def test_an_installment_not_written_with_the_digits_0_to_9_asks_for_no_agreement(pat):
    client, account = pat
    refused = client.post("/portal/me/payment-agreement/", {"account": account.pk, "installment": "١٠٠"})
    assert refused.status_code == 400 and not PaymentAgreement.objects.exists()
    client.post("/portal/me/payment-agreement/", {"account": account.pk, "installment": "100"})
    assert PaymentAgreement.objects.get().monthly_installment == 100


def test_the_bill_s_kwh_at_enrolment_is_read_only_in_the_digits_0_to_9(households):  # noqa: F811
    (_, app), _ = households
    arabic_indic = str(last_kwh(app)).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client = Client()
    response = client.post(
        "/portal/enrol/",
        {
            "account_number": app.personal["account_number"],
            "last_electric_kwh": arabic_indic,
            "email": "pat@example.com",
            "password": PASSWORD,
        },
    )
    assert "Enter a whole number written with the digits 0 to 9" in response.content.decode()
    assert not mail.outbox  # no confirmation link: the figure was not read as the bill's
    enrol(client, app, "pat@example.com")
    assert confirm_link().startswith("/portal/confirm/")  # written 0 to 9, it is read
