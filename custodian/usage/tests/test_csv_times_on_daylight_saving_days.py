"""A Green Button CSV row on a day the clocks change is refused for what is wrong with it: a local time the
clocks skip when daylight saving begins does not exist that day (never "END TIME is before START TIME", nor
"ambiguous" as if the clocks went back), and a reading whose two times, offsets given, are one instant has
no length; in English and in Spanish."""

import pytest
from django.utils import translation

from custodian.usage.greenbutton_import import parse_green_button_csv

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS\n"


def _only_problem(day: str, start: str, end: str):
    result = parse_green_button_csv(HEADER + f"Electric usage,{day},{start},{end},1.5,kWh\n")
    assert not result.readings and result.readings_refused == 1
    [problem] = result.problems
    assert problem.line == 2
    return problem


@pytest.mark.parametrize(
    "start, end, column, time",
    [
        ("02:30", "03:30", "START TIME", "02:30"),
        ("02:30", "04:00", "START TIME", "02:30"),
        ("01:30", "02:15", "END TIME", "02:15"),
    ],
)
def test_a_time_the_clocks_skip_is_said_not_to_exist_that_day(start, end, column, time):
    problem = _only_problem("2025-03-09", start, end)
    assert problem.message == (
        f"{column} '{time}' does not exist on 2025-03-09: the clocks skip from 02:00 to 03:00 that day "
        "(daylight saving begins); reading refused"
    )
    with translation.override("es"):
        assert "no existe el 2025-03-09: ese día los relojes saltan de las 02:00 a las 03:00" in (
            problem.in_language
        )


def test_two_times_that_are_one_instant_make_a_reading_with_no_length():
    problem = _only_problem("2025-11-02", "04:00-0500", "05:00-0400")
    assert problem.message == (
        "END TIME '05:00-0400' is the same moment as START TIME '04:00-0500' on 2025-11-02: the reading has "
        "no length; reading refused"
    )
    with translation.override("es"):
        assert "es el mismo momento que START TIME '04:00-0500'" in problem.in_language


def test_the_hour_after_the_skip_and_the_repeated_hour_are_read_as_before():
    rows = (
        "Electric usage,2025-03-09,01:00,03:00,1.5,kWh\n"  # one hour of use, across the skip
        "Electric usage,2025-03-09,03:00,04:00,1.5,kWh\n"
        "Electric usage,2025-11-02,01:30,02:00,1.5,kWh\n"  # the repeated hour: ambiguous, as before
    )
    result = parse_green_button_csv(HEADER + rows)
    assert [r.duration for r in result.readings] == [3600, 3600]
    assert [p.line for p in result.problems] == [4] and "ambiguous" in result.problems[0].message
    with translation.override("es"):
        # "does not say its offset", never "has no difference from UTC" (which would be a time in UTC)
        assert "es ambigua" in result.problems[0].in_language
        assert "no indica su diferencia con UTC para saber cuál" in result.problems[0].in_language
