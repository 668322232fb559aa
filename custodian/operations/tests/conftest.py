import pytest

from custodian.audit.events import append_events
from custodian.testing import read_event


@pytest.fixture
def log_keys(log_keys, settings):
    """The log key file and transparency directory of the test's own, and an interval store too."""
    settings.CUSTODIAN_INTERVAL_DIR = log_keys / "intervals"
    return log_keys


def read_events(n: int, start: int = 1) -> None:
    """`n` committed reads in the access log (not yet integrated into the tree)."""
    append_events([read_event(i) for i in range(start, start + n)])
