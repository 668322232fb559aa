"""Carmen's Green Button CSV on the night the clocks go back (2026-11-01: 01:00 to 02:00 happens twice): her
START TIME and END TIME are read by one rule. A time without its UTC offset in the repeated hour names two
instants; the reading is placed when only one of them makes it end after it starts, or, from a start that
happens once, only one makes it as long as a meter reads; else it is refused, by its line, naming the time
and the offsets that would tell it (an END TIME as much as a START TIME).
A row whose date or times can't be read is told the forms the import reads, each of which it reads; in
English and in Spanish."""

import re
from datetime import datetime

import pytest
from django.utils import translation

from custodian.usage.greenbutton_import import parse_green_button_csv

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS\n"
NIGHT = "2026-11-01"


def _read(*rows: str):
    return parse_green_button_csv(HEADER + "".join(f"Electric usage,{row},1.5,kWh\n" for row in rows))


def _at(hour: int, minute: int, offset_hours: int) -> int:
    return int(
        datetime.fromisoformat(f"{NIGHT}T{hour:02d}:{minute:02d}:00{offset_hours:+03d}:00").timestamp()
    )


@pytest.mark.parametrize(
    "start, end, column, time",
    [
        ("00:00", "01:10", "END TIME", "01:10"),  # 70 minutes or 130: neither is a length a meter reads
        ("01:30", "02:00", "START TIME", "01:30"),  # the start's rule, as before
        ("01:00", "02:00", "START TIME", "01:00"),  # written twice that night: length can't tell which
        ("01:00", "01:30", "START TIME", "01:00"),  # half an hour either way
    ],
)
def test_a_time_in_the_repeated_hour_that_could_be_either_is_refused_by_its_line(start, end, column, time):
    result = _read("2026-10-31,23:00,00:00", f"{NIGHT},{start},{end}")
    assert [r.start for r in result.readings] == [_at(23, 0, -5) - 86400]  # the row before is kept
    assert result.readings_refused == 1
    [problem] = result.problems
    assert problem.line == 3
    assert problem.message == (
        f"{column} '{time}' on {NIGHT} is ambiguous: the clocks go back that night (daylight saving ends), "
        "so the time happens twice, and it has no UTC offset to tell which; "
        f"written {time}-0500 it is the first time, {time}-0600 the second; reading refused"
    )
    with translation.override("es"):
        assert problem.in_language.startswith(
            f"{column} '{time}' del {NIGHT} es ambigua: esa noche se atrasan los relojes"
        )
        assert f"escrita {time}-0500 es la primera vez, {time}-0600 la segunda" in problem.in_language


@pytest.mark.parametrize(
    "start, end, placed",
    [
        ("01:30-0600", "01:45", (_at(1, 30, -6), 900)),  # the first 01:45 is before the start
        ("01:30", "01:45-0500", (_at(1, 30, -5), 900)),  # the second 01:30 is after the end
        ("00:30-0500", "01:15-0500", (_at(0, 30, -5), 2700)),  # offsets given: one instant each
        # From a start that happens once, the end that makes a reading as long as a meter reads (the other
        # is an hour longer): the hour before the change in a file without offsets.
        ("00:00", "01:00", (_at(0, 0, -5), 3600)),
        ("00:30", "01:30", (_at(0, 30, -5), 3600)),
        ("00:45", "01:15", (_at(0, 45, -5), 1800)),
        ("00:45", "01:00", (_at(0, 45, -5), 900)),
    ],
)
def test_a_time_in_the_repeated_hour_is_placed_where_only_one_instant_makes_a_reading(start, end, placed):
    result = _read(f"{NIGHT},{start},{end}")
    assert result.problems == []
    assert [(r.start, r.duration) for r in result.readings] == [placed]


def test_an_unreadable_row_is_told_the_forms_the_import_reads_and_reads_each():
    result = _read(f"{NIGHT},7h05,14:30")
    [problem] = result.problems
    assert problem.message.startswith(
        f"unreadable row: DATE '{NIGHT}', START TIME '7h05' and END TIME '14:30' are not a date and times "
        "this import reads: the date as year-month-day (2026-03-31); each time as hours and minutes on the "
        "24-hour clock (7:05 or 14:30), with seconds if the file has them (14:30:15)"
    )
    assert "HH:MM" not in problem.message
    # Every example the words give is a form the import reads: the times on DATE, the END TIME with its date.
    examples = re.findall(r"\((\d[\d:+ -]*)\)|\((\d+:\d+) or (\d+:\d+)\)", problem.message)
    forms = [form for found in examples for form in found if form]
    assert "2026-03-31" in forms and "2026-04-01 00:30" in forms and "14:30-0500" in forms
    for form in forms:
        row = f"2026-03-31,00:00,{form}" if form[:4] != "2026" or " " in form else f"{form},00:00,01:00"
        assert _read(row).readings, form
    with translation.override("es"):
        assert (
            "la fecha como año-mes-día (2026-03-31); cada hora como horas y minutos en el reloj de 24 "
            in (problem.in_language)
        )
