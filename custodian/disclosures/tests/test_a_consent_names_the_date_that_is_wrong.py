"""A consent is recorded only once signed, and a consent that ends or expires before it is given, or ends
before its data begins, is refused naming the date that is wrong: by the consent service, whoever records
it, and on the privacy officer's desk, where a paper consent dated after today is refused by its field.

Personas: Priya the privacy officer, a customer (Alice)."""

from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodian.dates import long_date
from custodian.disclosures.models import Consent
from custodian.disclosures.services import AccountingError
from custodian.testing import consent_given

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def at_noon(day):
    return datetime.combine(day, time(12), timezone.get_current_timezone())


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        (
            {"signed_at": at_noon(TODAY + DAY)},
            f"the day the consent is signed, {long_date(TODAY + DAY)}, is after today",
        ),
        (
            {
                "covers_from": TODAY - 5 * DAY,
                "covers_until": TODAY - 9 * DAY,
                "signed_at": at_noon(TODAY - 10 * DAY),
            },
            f"the consent's end date, {long_date(TODAY - 9 * DAY)}, is before the day its data begins",
        ),
        (
            {
                "covers_from": TODAY - 20 * DAY,
                "covers_until": TODAY - 9 * DAY,
                "signed_at": at_noon(TODAY - 2 * DAY),
            },
            f"the consent's end date, {long_date(TODAY - 9 * DAY)}, is before the day it is signed, "
            f"{long_date(TODAY - 2 * DAY)}",
        ),
        (
            {"expires_on": TODAY - 9 * DAY, "signed_at": at_noon(TODAY - 2 * DAY)},
            f"the consent's expiry date, {long_date(TODAY - 9 * DAY)}, is before the day it is signed",
        ),
    ],
)
def test_the_consent_service_names_the_date_that_is_wrong(customer, dates, said):
    with pytest.raises(AccountingError, match=said):
        consent_given(customer, method="electronic", text_shown="I consent.", **dates)
    assert not Consent.objects.exists()


def test_a_paper_consent_dated_after_today_is_refused_on_the_desk(console, privacy_officer, customer):
    page = console(privacy_officer).post(
        "/staff/privacy/disclosures/consents/",
        {
            "customer_id": customer.pk,
            "recipient_name": "Energy Savers Co-op",
            "recipient_contact": "x@savers.example",
            "categories": ["name"],
            "purpose": "home energy audit",
            "covers_from": "2025-01-01",
            "signed_on": TODAY + DAY,
            "scan": SimpleUploadedFile("consent.pdf", b"%PDF signed"),
        },
    )
    html = page.content.decode()
    assert page.status_code == 400 and "It is after today: a consent is recorded once it is signed." in html
    assert not Consent.objects.exists()
