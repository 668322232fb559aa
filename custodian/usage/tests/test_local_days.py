"""The usage page groups readings by the utility's local day and hour without a time-zone conversion per
reading: the same days and hours as converting each one, across a change of clock."""

from datetime import datetime

import numpy as np

from custodian.usage.intervals import local_seconds
from custodian.usage.services.presentation import EPOCH_ORDINAL
from custodian.vault.interval_files import LOCAL


def test_local_days_and_hours_match_a_conversion_of_each_reading_across_a_change_of_clock():
    for month, day in ((3, 8), (11, 1)):  # 2026's changes in Minnesota
        middle = int(datetime(2026, month, day, 12, tzinfo=LOCAL).timestamp())
        starts = np.arange(middle - 20 * 86400, middle + 12 * 86400, 900, dtype=np.int64)
        local = local_seconds(starts)
        expected = [datetime.fromtimestamp(s, LOCAL) for s in starts.tolist()]
        assert [e.date().toordinal() - EPOCH_ORDINAL for e in expected] == (local // 86400).tolist()
        assert [e.hour for e in expected] == ((local % 86400) // 3600).tolist()


def test_without_a_change_of_clock_one_offset_serves():
    starts = np.arange(1_780_000_000, 1_780_000_000 + 30 * 86400, 3600, dtype=np.int64)
    local = local_seconds(starts)
    assert set((local - starts).tolist()) == {-5 * 3600}  # central daylight time in June
