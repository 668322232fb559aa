"""Whether a customer's consent stands is one rule (`Consent.lapse`), so the gate's reads for a third party,
the disclosure desk, Connect My Data's status and the customer's own record of their consents never
disagree: a consent whose covered period has ended, though not past its end date, stands nowhere."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from custodian.dates import day_words
from custodian.disclosures.records import consent_standing, consent_standing_code
from custodian.disclosures.services.consents import ConsentsInForceAnswer, consent_revoke
from custodian.disclosures.services.disclosure import DisclosureRefused
from custodian.testing import consent_given, disclosed


def _signed(customer, **over):
    """Signed in the portal yesterday, to the Energy Savers Co-op, for their name."""
    return consent_given(customer, method="electronic", text_shown="I consent.", **over)


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


def _stands(consent) -> bool:
    return ConsentsInForceAnswer().consent_in_force(
        consent_id=consent.pk, customer_id=consent.customer_id, categories=["name"]
    )


def test_a_consent_past_its_covered_period_stands_nowhere(customer, privacy_officer, monkeypatch):
    today = timezone.localdate()
    consent = _signed(
        customer, covers_until=today + timedelta(days=10), expires_on=today + timedelta(days=90)
    )
    assert consent.lapse() is None and _stands(consent)
    assert consent_standing_code(consent) == "in_force"
    assert day_words(today + timedelta(days=10)) in consent_standing(consent)  # the earlier of its two ends

    _on(monkeypatch, today + timedelta(days=11))
    consent.refresh_from_db()
    assert consent.lapse() == "period_ended"
    assert not _stands(consent)
    assert consent_standing_code(consent) == "ended"
    assert "ended on" in consent_standing(consent)
    with pytest.raises(DisclosureRefused, match="the consent's period has ended"):
        disclosed(
            privacy_officer,
            [customer.pk],
            ("Energy Savers Co-op", "info@savers.example"),
            ["name"],
            "home energy audit",
            ("consent", consent.pk),
        )


@pytest.mark.parametrize(
    "days_on, lapse, code",
    [(30, None, "in_force"), (91, "expired", "ended")],
)
def test_a_consent_ends_on_its_end_date(customer, monkeypatch, days_on, lapse, code):
    today = timezone.localdate()
    consent = _signed(customer, expires_on=today + timedelta(days=90))
    _on(monkeypatch, today + timedelta(days=days_on))
    assert consent.lapse() == lapse
    assert _stands(consent) is (lapse is None)
    assert consent_standing_code(consent) == code


def test_a_revoked_consent_stands_nowhere(customer):
    consent = _signed(customer)
    consent_revoke(consent=consent, how="by letter")
    consent.refresh_from_db()
    assert consent.lapse() == "revoked"
    assert not _stands(consent)
    assert consent_standing_code(consent) == "revoked"
    assert "revoked on" in consent_standing(consent)
