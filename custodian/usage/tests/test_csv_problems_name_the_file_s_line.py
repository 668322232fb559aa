"""A problem in a Green Button CSV names the line of the file as Pat's editor numbers it: the comment lines
our own download starts with (`# Times are …`) and blank lines count, though the reader skips them."""

from custodian.usage.greenbutton_import import parse_green_button_csv

DOWNLOADED_AND_EDITED = (
    "# Times are America/Chicago local time, with their UTC offset\n"
    "# Usage for one customer\n"
    "\n"
    "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
    "Electric usage,2026-01-05,00:00-0600,01:00-0600,1.25,kWh,,\n"
    "\n"
    "Electric usage,2026-01-05,01:00-0600,02:00-0600,lots,kWh,,\n"
)


def test_a_row_pat_got_wrong_is_named_by_its_line_in_the_file():
    result = parse_green_button_csv(DOWNLOADED_AND_EDITED)
    [problem] = result.problems
    assert problem.line == 7 and "USAGE 'lots'" in problem.message
    assert result.readings_read == 2 and result.readings_refused == 1


def test_a_file_of_the_wrong_columns_is_named_by_its_header_s_line():
    [problem] = parse_green_button_csv("# a note\nDATE;USAGE\n2026-01-05;1\n").problems
    assert problem.line == 2 and "semicolons" in problem.message
