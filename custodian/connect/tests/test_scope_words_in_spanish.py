"""What a third party would receive is read by the customer in their language before they agree: every
function block served, the intervals and the months of history, in Spanish as in English."""

from datetime import date
from types import SimpleNamespace

from django.utils import translation
from django.utils.translation import trans_real

from custodian.connect.scopes import SERVED_FUNCTION_BLOCKS, scope_parse
from custodian.connect.services import consent_text

SCOPE = "FB=1_3_4_5_13_14_15_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"


def test_every_function_block_served_has_its_spanish():
    catalogue = trans_real.translation("es")._catalog
    missing = [words for words in SERVED_FUNCTION_BLOCKS.values() if words and not catalogue.get(words)]
    assert not missing, missing


def test_the_scope_is_read_in_spanish_and_in_english():
    scope = scope_parse(SCOPE)
    with translation.override("es"):
        spanish = scope.plain_words()
    assert spanish.startswith("lecturas del medidor de cada intervalo; lecturas del medidor de electricidad")
    assert "en intervalos de 60 minutos" in spanish and "de hasta 13 meses atrás" in spanish
    assert "meter" not in spanish and "months" not in spanish
    with translation.override("en"):
        english = scope.plain_words()
    assert "in 60-minute intervals, going back up to 13 months" in english
    with translation.override("en"):
        assert scope_parse("FB=4_5;HistoryLength=1").plain_words().endswith("going back up to 1 month")


def test_the_consent_kept_is_the_one_read_in_the_customers_language():
    """The words kept as the customer's written consent are the ones they read: in Spanish for a Spanish
    reader, with the days in words (never "2026-12-01")."""
    sunny = SimpleNamespace(
        name="Sunny Solar",
        contact="privacy@sunny.example",
        purpose="Solar sizing",
        data_practices="Kept 1 year",
    )
    asked = {
        "third_party": sunny,
        "scope": SCOPE,
        "services": ["electric"],
        "expires_on": date(2027, 6, 1),
        "covers_from": date(2025, 11, 1),
        "meters": {"electric": (["electric#2"], 2)},
    }
    with translation.override("es"):
        spanish = consent_text(**asked)
    assert spanish.startswith(
        "Autorizo a Sunny Solar (privacy@sunny.example) a recibir los datos de mis medidores"
    )
    assert "electricidad (solo el medidor 2 de mis 2)" in spanish and "1 de junio de 2027" in spanish
    assert "I authorize" not in spanish and "2027-06-01" not in spanish
    with translation.override("en"):
        english = consent_text(**asked)
    assert "to receive my electricity (meter 2 of my 2 only) meter data" in english
    assert "ends on June 1, 2027 unless I revoke it" in english
