"""Many utilities' Green Button CSV files write a reading's END TIME as its last minute (`00:00` to `00:59`,
`00:00` to `00:14` in a quarter-hour file, `00:00:00` to `00:59:59`, a day `00:00` to `23:59`): each is read
as ending at its interval's end, and the result says so; only an END TIME that could be either (another
reading of the file starts at it) is refused as ambiguous. A file with the account's details above its header
row is read from its header; one with no header row near its top is told so. Counts in the problems read
right in the singular and in Spanish."""

import io

from django.utils import translation

from custodian.testing import espi_layouts as L
from custodian.usage.greenbutton_import import parse_espi, parse_green_button_csv

HEADER = "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"


def rows(day: str, times, usage="0.35") -> str:
    return "".join(f"Electric usage,{day},{start},{end},{usage},kWh,$0.05,\n" for start, end in times)


def test_an_hour_written_to_its_59th_minute_is_an_hour():
    """A day the clocks go forward, as such a file writes it: 23 hours, 02:00 skipped."""
    hours = [h for h in range(24) if h != 2]
    result = parse_green_button_csv(
        HEADER + rows("2026-03-08", [(f"{h:02d}:00", f"{h:02d}:59") for h in hours])
    )
    assert result.ok and len(result.readings) == 23
    assert {r.duration for r in result.readings} == {3600}
    [note] = result.notes
    assert note.line == 2 and note.message == (
        "23 readings' END TIME (the first '00:59') is the last minute of their interval, as many utilities' "
        "files write it: read as ending at the interval's end (the first at 01:00)"
    )
    with translation.override("es"):
        assert note.in_language.startswith("El END TIME de 23 lecturas (la primera '00:59')")


def test_quarter_hours_seconds_and_a_day_written_to_their_last_minute_or_second():
    quarters = rows(
        "2026-03-02", [("00:00", "00:14"), ("00:15", "00:29"), ("00:30", "00:44"), ("00:45", "00:59")]
    )
    seconds = rows("2026-03-03", [("00:00:00", "00:59:59"), ("01:00:00", "01:59:59")])
    day = rows("2026-03-04", [("00:00", "23:59")])
    result = parse_green_button_csv(HEADER + quarters + seconds + day)
    assert result.ok
    assert [r.duration for r in result.readings] == [900] * 4 + [3600] * 2 + [86400]
    [note] = result.notes
    assert note.message.startswith("7 readings' END TIME (the first '00:14')")


def test_one_reading_so_read_is_said_in_the_singular():
    result = parse_green_button_csv(HEADER + rows("2026-03-02", [("00:00", "00:59")]))
    [note] = result.notes
    assert note.message == (
        "1 reading's END TIME ('00:59') is the last minute of its interval, as many utilities' files write "
        "it: read as ending at 01:00"
    )


def test_end_times_written_as_the_next_reading_starts_are_read_as_before():
    result = parse_green_button_csv(HEADER + rows("2026-03-02", [("00:00", "01:00"), ("01:00", "01:45")]))
    assert result.ok and not result.notes
    assert [r.duration for r in result.readings] == [3600, 2700]


def test_an_end_time_another_reading_starts_at_is_ambiguous():
    """`00:00`–`00:59` followed by a reading from `00:59`: the file may mean 59 minutes; it is refused, named
    by its line, and the other reading kept."""
    result = parse_green_button_csv(HEADER + rows("2026-03-02", [("00:00", "00:59"), ("00:59", "02:00")]))
    assert [r.duration for r in result.readings] == [3660] and result.readings_refused == 1
    [problem] = result.problems
    assert problem.line == 2 and problem.message == (
        "END TIME '00:59' could be the reading's last minute (the reading would end at 01:00) or its end, "
        "and another reading of the file starts at 00:59: ambiguous; reading refused"
    )
    with translation.override("es"):
        assert "ambiguo; lectura rechazada" in problem.in_language
    assert not result.notes


def test_the_account_s_details_above_the_header_row_are_passed_over():
    """A download that starts with the account holder's name, address and account number."""
    preamble = (
        "Name,ANN EXAMPLE\n"
        'Address,"12 MAIN ST, OWATONNA MN 55060"\n'
        "Account Number,1234567890\n"
        "Service,Service 1\n"
        "\n"
    )
    result = parse_green_button_csv(preamble + HEADER + rows("2026-03-02", [("00:00", "01:00")]))
    assert result.ok and result.complete and len(result.readings) == 1


def test_a_file_with_no_header_row_near_its_top_is_told_so():
    preamble = "".join(f"Account line {n},{n}\n" for n in range(25))
    result = parse_green_button_csv(preamble + HEADER + rows("2026-03-02", [("00:00", "01:00")]))
    assert not result.complete
    [problem] = result.problems
    assert problem.message == (
        "the header row (TYPE, DATE, START TIME, END TIME, USAGE, UNITS) was not found in the file's first "
        "20 lines: a Green Button CSV names its columns, separated by commas or tabs, in a row above its "
        "readings"
    )
    assert "missing columns" not in problem.message
    with translation.override("es"):
        assert problem.in_language.startswith("no se encontró la fila de encabezado")


def test_a_header_short_of_a_column_still_names_the_missing_column():
    result = parse_green_button_csv(
        "TYPE,DATE,START TIME,END TIME,USAGE\nElectric usage,2026-03-02,00:00,01:00,1\n"
    )
    [problem] = result.problems
    assert problem.message == "missing columns: UNITS"


def test_one_repeated_start_in_an_espi_file_is_said_in_the_singular():
    start = 1_772_000_000 // 3600 * 3600
    data = L.feed(*L.one_meter([L.hourly(start, 3), L.hourly(start + 3600, 1)]))
    result = parse_espi(io.BytesIO(data))
    [problem] = [p for p in result.problems if "repeat" in p.message]
    assert problem.message.startswith("1 reading repeats a start already read for the same MeterReading (at ")
    with translation.override("es"):
        assert problem.in_language.startswith("1 lectura repite un inicio ya leído")
    twice = parse_espi(io.BytesIO(L.feed(*L.one_meter([L.hourly(start, 3), L.hourly(start, 2)]))))
    [problem] = [p for p in twice.problems if "repeat" in p.message]
    assert problem.message.startswith(
        "2 readings repeat a start already read for the same MeterReading (first at "
    )
    with translation.override("es"):
        assert problem.in_language.startswith("2 lecturas repiten un inicio ya leído")
