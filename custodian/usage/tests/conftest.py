import pytest

from custodian.testing.portal import household_with_readings


@pytest.fixture
def household(db):
    """A demo household with 13 months of hourly electric readings: its customer and application."""
    customer, app, _ = household_with_readings(3, 3600)
    return customer, app
