"""Due dates: business days skip weekends and the legal holidays of the policy file."""

from datetime import date, timedelta

from custodian.policy.loader import current_policy


def is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: frozenset[date] | None = None) -> date:
    """The date `days` business days after `start` (the day of receipt does not count)."""
    holidays = current_policy().holidays if holidays is None else holidays
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            left -= 1
    return day


def due_date(kind: str, received: date) -> date:
    deadlines = current_policy().deadlines
    if kind == "data_access":
        return add_business_days(received, deadlines["data_access_business_days"])
    if kind == "correction":
        return received + timedelta(days=deadlines["correction_days"])
    return add_business_days(received, deadlines.get("business_days_by_kind", {}).get(kind, 5))
