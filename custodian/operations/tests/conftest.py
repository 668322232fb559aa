import pytest

from custodian.audit.events import append_events


@pytest.fixture
def log_keys(settings, tmp_path):
    """A log key file, a transparency directory and an interval store of the test's own."""
    settings.CUSTODIAN_LOG_SIGNING_KEYS = tmp_path / "keys" / "log-signing-keys.json"
    settings.CUSTODIAN_TRANSPARENCY_DIR = tmp_path / "transparency"
    settings.CUSTODIAN_INTERVAL_DIR = tmp_path / "intervals"
    return tmp_path


def read_events(n: int, start: int = 1) -> None:
    """`n` committed reads in the access log (not yet integrated into the tree)."""
    append_events(
        [
            {
                "action": "reveal",
                "actor_kind": "staff",
                "actor_id": "7",
                "actor_label": "bill.clerk",
                "roles": "billing",
                "purpose": "billing",
                "customer_id": str(i),
                "categories": "name",
                "decision": "allow",
                "reason": "granted",
            }
            for i in range(start, start + n)
        ]
    )
