"""What a member of staff is told of a read held for the privacy officer's approval, and of a customer whose
data was destroyed under the retention schedule, is worded in the reader's language: the hold's number and
its counts as the access log has them, the day of the destruction and the schedule item's own words as the
policy file gives them in that language. The access log keeps its English."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.utils import translation

from custodian.vault.gate import Destroyed, Held, held_in_words
from custodian.vault.gate.refusals import Refusal

HELD = Held(Refusal("held", {"hold": 3, "read": 21, "limit": 20}), 3)
HELD_MANY = Held(Refusal("held_many", {"hold": 4, "asked": 5, "read": 18, "limit": 20}), 4)


@pytest.mark.parametrize("held", [HELD, HELD_MANY], ids=["held", "held_many"])
def test_a_held_read_is_told_as_the_log_has_it_in_english_and_in_spanish(held):
    with translation.override("en"):
        assert held_in_words(held) == held.reason  # the English is the log's, word for word
        assert str(held) == held.reason
    with translation.override("es"):
        told = held_in_words(held)
        assert str(held) == told  # wherever it is said (the API's answer, a command's line), in Spanish too
    facts = held.refusal.facts
    assert told.startswith("retenida para la aprobación del oficial de privacidad")
    assert f"(retención {facts['hold']})" in told and f"el límite es {facts['limit']}" in told
    assert f"{facts['read']} clientes leídos sin una solicitud" in told
    assert "held" not in told and "customers" not in told


# Carol's data, destroyed under the closed accounts' item on November 3, 2026 (noon, the utility's day).
CAROLS = SimpleNamespace(schedule_item="closed_accounts", destroyed_at=datetime(2026, 11, 3, 18, tzinfo=UTC))


def test_destroyed_data_is_told_in_the_reader_s_language(db):
    with translation.override("en"):
        destroyed = Destroyed(CAROLS)  # raised in English ...
        english = str(destroyed)
    assert english == (
        "This customer's data was destroyed on November 3, 2026 under retention schedule item "
        "closed_accounts (Customer account records of closed accounts; Utilities section: utility customer "
        "account records (applications for service, account information), kept a period after the account "
        "is closed)."
    )
    with translation.override("es"):  # ... read in Spanish
        spanish = str(destroyed)
    assert spanish.startswith(
        "Los datos de este cliente se destruyeron el 3 de noviembre de 2026 según el elemento "
        "closed_accounts del calendario de conservación (Registros de las cuentas de clientes ya cerradas; "
        "Sección de servicios públicos"
    )
    assert destroyed.reason == "destroyed under retention schedule item closed_accounts"  # the log's English


def test_an_item_the_policy_no_longer_names_is_told_by_its_key(db):
    gone = Destroyed(SimpleNamespace(schedule_item="4.1", destroyed_at=CAROLS.destroyed_at))
    with translation.override("es"):
        assert str(gone) == (
            "Los datos de este cliente se destruyeron el 3 de noviembre de 2026 según el elemento 4.1 del "
            "calendario de conservación."
        )
