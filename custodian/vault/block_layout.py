"""Which of an interval block's stored values are its readings, for whoever adds a month's readings up
without the usage app's arithmetic (the gate's bulk monthly totals, in worker processes and on Spark
executors).

A series' month is kept in two blocks: its grid (one value a slot from the month's first instant) and, named
with `PERIODS` after the series, its readings off the grid (hours a later file's quarter hours pushed off it,
billing periods, local days across a clock change), three values a reading: its gap from the one before, its
length and its value (`usage.intervals.encode_periods`). Both hold the readings that start in the block's
month, so a month's use is the values of both added up: the readings every usage page counts in that month
(`usage.services.presentation.use_by_month`). Plain numpy, no Django: a Spark executor imports it as it
imports the opening primitive.
"""

import numpy as np

PERIODS = "~periods"  # the block of a series' readings off its month's grid


def month_series(series: str) -> tuple[str, str]:
    """The blocks that hold a series' readings of a month: its grid and its readings off the grid."""
    return series, series + PERIODS


def readings_of(block_series: str, stored: np.ndarray) -> np.ndarray:
    """The stored values of a block that are its readings' values (every slot of a grid, the third of each
    reading off it), slots without a reading among them as stored."""
    return stored[2::3] if block_series.endswith(PERIODS) else stored
