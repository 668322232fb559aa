"""What the management commands print counts one thing as one and many as many."""

import pytest

from custodian.plurals import counted


@pytest.mark.parametrize(
    ("number", "words", "expected"),
    [
        (0, ("bill",), "0 bills"),
        (1, ("bill",), "1 bill"),
        (2, ("bill",), "2 bills"),
        (1, ("entry", "entries"), "1 entry"),
        (5, ("entry", "entries"), "5 entries"),
    ],
)
def test_a_count_takes_its_noun_in_the_right_number(number, words, expected):
    assert counted(number, *words) == expected
