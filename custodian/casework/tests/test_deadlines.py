"""Due dates: 10 business days for a data access request (weekends and Minnesota legal holidays excluded),
30 days for an accuracy challenge; across holidays and year ends."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodian.casework.calendar import add_business_days, due_date, is_business_day
from custodian.policy.loader import current_policy


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2026, 11, 20), date(2026, 12, 7)),  # over Thanksgiving (Nov 26)
        (date(2026, 12, 18), date(2027, 1, 5)),  # over Christmas and New Year's Day, into the next year
        (date(2026, 12, 31), date(2027, 1, 15)),  # received on the last day of the year
        (date(2027, 1, 9), date(2027, 1, 25)),  # received on a Saturday; MLK Day (Jan 18) skipped
        (date(2026, 6, 30), date(2026, 7, 15)),  # Independence Day observed Friday July 3
    ],
)
def test_data_access_requests_are_due_in_ten_business_days(received, due):
    assert due_date("data_access", received) == due


def test_corrections_are_due_in_thirty_calendar_days():
    assert due_date("correction", date(2026, 12, 18)) == date(2027, 1, 17)


def test_the_holiday_table_comes_from_the_policy_file():
    holidays = current_policy().holidays
    assert date(2026, 11, 26) in holidays and date(2026, 12, 25) in holidays
    assert not is_business_day(date(2026, 11, 26), holidays)


@given(start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 11, 30)), days=st.integers(1, 30))
def test_the_due_date_is_a_business_day_with_exactly_n_business_days_counted(start, days):
    holidays = current_policy().holidays
    due = add_business_days(start, days, holidays)
    assert is_business_day(due, holidays)
    counted = sum(is_business_day(start + timedelta(d), holidays) for d in range(1, (due - start).days + 1))
    assert counted == days
