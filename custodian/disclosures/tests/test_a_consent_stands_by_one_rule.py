"""Whether a customer's consent stands is one rule (`Consent.lapse`), so the gate's reads for a third party,
the disclosure desk, Connect My Data's status and the customer's own record of their consents never
disagree: a consent whose covered period has ended, though not past its end date, stands nowhere."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

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


def test_a_consent_signed_at_a_later_moment_does_not_read_as_in_force(customer):
    """A consent read at a moment before it was signed (a disclosure checked against it, the record of it as
    it stood then) stands nowhere yet: the customer's record of their consents says so, for a person and
    for a program, never "in force". (Recorded consents are append-only and never signed ahead of now: the
    consent is taken as it would read two days before its signature.)"""
    consent = _signed(customer)
    consent.signed_at = signed_at = timezone.now() + timedelta(days=2)
    assert consent.lapse() == "not_signed"
    assert consent_standing_code(consent) == "not_signed"
    said = consent_standing(consent)
    assert f"not in force before it is signed, on {day_words(signed_at)}" in said
    assert "in force until" not in said
    with translation.override("es"):
        assert "no está vigente antes de firmarse" in consent_standing(consent)
