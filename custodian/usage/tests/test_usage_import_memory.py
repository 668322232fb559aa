"""A Green Button import's memory does not grow with the file: Alice's file of four months of quarter hours
from two usage points and Bob's from ten (five times the readings, five times the blocks of each month) are
imported, each measured with tracemalloc over the whole import (parse and store: the blocks sealed and
staged, then each month-shard rewritten with them), and the larger peaks at about what the smaller does.
The month-shards' rewrite used to hold the staged blocks at once, so here the larger file's import peaked at
1.3 times the smaller's (2.3 times in the benchmark's year of five and twenty-five usage points)."""

import tracemalloc
from datetime import datetime
from zoneinfo import ZoneInfo

from custodian.testing import espi_layouts as L
from custodian.testing import staff_usage_import
from custodian.usage.greenbutton_import import parse_espi
from custodian.vault import interval_files

CHICAGO = ZoneInfo("America/Chicago")
LARGER = 5
MONTHS = range(2, 6)
# The larger file's peak over the smaller's: 1.02 streamed (the parse's peak, which the store stays under;
# what is left grows with the usage points' names and keys only), 1.32 holding the staged blocks at once.
AT_MOST = 1.15


def _file(folder, points: int, months=MONTHS) -> str:
    """`points` usage points, each `months` of 2026 in 15-minute readings, a block a month, the values
    varied as a home's are (a sealed block of them is as large as a real one: constant values would
    compress away)."""
    entries = []
    for n in range(1, points + 1):
        blocks = []
        for month in months:
            first = int(datetime(2026, month, 1, tzinfo=CHICAGO).timestamp())
            quarter_hours = (int(datetime(2026, month + 1, 1, tzinfo=CHICAGO).timestamp()) - first) // 900
            blocks.append(
                L.hourly(
                    first, quarter_hours, value=lambda i, n=n: (i * 7919 + n * 104_729) % 9000 + 100, step=900
                )
            )
        entries += L.one_meter(blocks, up_n=n)
    path = folder / f"{points}-usage-points-{months[0]}-{months[-1]}.xml"
    path.write_bytes(L.feed(*entries))
    return str(path)


def _peak(customer, field_tech, path: str) -> int:
    """The peak of Python's allocations (numpy's arrays counted) over the parse and the store."""
    tracemalloc.start()
    try:
        summary = staff_usage_import(customer, parse_espi(path), by=field_tech)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.all_stored, summary.problems[:3]
    return peak


def test_a_file_with_five_times_the_usage_points_peaks_at_about_the_same(
    customer, other_customer, field_tech, tmp_path
):
    small, large = _file(tmp_path, 2), _file(tmp_path, 2 * LARGER)
    _peak(customer, field_tech, _file(tmp_path, 2, months=[1]))  # what a first import loads is not the file's
    alice, bob = _peak(customer, field_tech, small), _peak(other_customer, field_tech, large)
    # Both in one month-shard: Bob's import rewrites it with Alice's blocks kept.
    assert {r[0] for r in interval_files.block_index(months=["2026-02"])} == {customer.pk, other_customer.pk}
    assert bob <= AT_MOST * alice, (
        f"{bob / 2**20:.2f} MB for {2 * LARGER} usage points, {alice / 2**20:.2f} MB for 2"
    )
