import pytest

from custodian.billing.services import bill_run
from custodian.testing.billing import YEAR, household


@pytest.fixture
def town(db):
    """Three households of Ostby, each billed for September and October 2026."""
    homes = [household(f"Ostby {i}", f"00510000{i:02d}", YEAR) for i in range(3)]
    for cycle in ("2026-09", "2026-10"):
        bill_run(cycle=cycle)
    return homes
