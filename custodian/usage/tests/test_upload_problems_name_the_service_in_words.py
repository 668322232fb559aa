"""A problem with a customer's file names the series of readings by its service's name in the reader's
language (electric, electricidad; with its usage point past the first, its flow other than delivered, and
demand), never the store's key (`electric`, `electric#2_net`), and says one reading in the singular: "1
electric reading of 2026-03 overlaps a reading before it", "1 lectura de electricidad de 2026-03 se
superpone…", in English, in Spanish and for any count Spanish has a form for."""

from datetime import datetime

import pytest
from django.utils import translation

from custodian.usage.greenbutton_import import ImportResult, Problem, Reading
from custodian.usage.intervals import OVERLAPPING, series_key, series_names, usage_upload_by_customer
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL

POINT = "csv:electric"
MIDNIGHT = int(datetime(2026, 3, 9, tzinfo=LOCAL).timestamp())


def upload(customer, readings):
    result = ImportResult(
        readings=[Reading(POINT, POINT, start, length, wh, "Wh", 1) for start, length, wh in readings],
        usage_points={POINT: "electric"},
    )
    return usage_upload_by_customer(
        customer_id=customer.pk, result=result, size=1, actor=customer_actor(customer.pk)
    )


def _overlap_problem(customer, overlapping: int):
    hours = [(MIDNIGHT + h * 3600, 3600, 500.0) for h in range(3)]
    extra = [(MIDNIGHT + 600 * (n + 1), 1800, 50.0) for n in range(overlapping)]
    [problem] = upload(customer, hours + extra).problems
    return problem


def test_rosa_s_one_overlapping_reading_is_named_in_the_singular_in_her_language(customer):
    problem = _overlap_problem(customer, 1)
    assert problem.message.startswith(
        "1 electric reading of 2026-03 overlaps a reading before it in the file (first at "
    )
    assert problem.message.endswith("kept the earlier, refused this one")
    with translation.override("es"):
        text = problem.in_language
    assert text.startswith("1 lectura de electricidad de 2026-03 se superpone a una lectura anterior")
    assert "electric " not in text and text.endswith("se rechazó esta")


def test_two_overlapping_readings_are_named_in_the_plural(customer):
    problem = _overlap_problem(customer, 2)
    assert problem.message.startswith("2 electric readings of 2026-03 overlap a reading before them")
    with translation.override("es"):
        assert problem.in_language.startswith("2 lecturas de electricidad de 2026-03 se superponen")


@pytest.mark.parametrize(
    "key, english, spanish",
    [
        (series_key("electric"), "electric", "electricidad"),
        (series_key("water"), "water", "agua"),
        (
            series_key("electric", 4, point=2),
            "electric (usage point 2, net)",
            "electricidad (punto de uso 2, neta)",
        ),
        (
            series_key("electric", 19, demand=True),
            "electric (received from the customer, demand)",
            "electricidad (recibida del cliente, demanda)",
        ),
    ],
)
def test_a_series_is_named_by_its_service_never_by_its_key(key, english, spanish):
    names = series_names(key)
    assert names == english
    values = {"count": 3, "series": names, "month": "2026-03", "first": "00:10"}
    problem = Problem(None, OVERLAPPING[0], values, plural=OVERLAPPING[1])
    with translation.override("es"):
        assert problem.in_language.startswith(f"3 lecturas de {spanish} de 2026-03 se superponen")
