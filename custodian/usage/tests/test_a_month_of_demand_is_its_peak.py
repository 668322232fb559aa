"""The one rule for a month of a series as one figure (`month_figure`): energy and volume added up, demand
(kW, a rate read at moments) its peak, a month without a reading NaN either way; and demand is never added
up to hours for the comparison's kWh table. Dana's meter reads both every 15 minutes."""

import math

import numpy as np
import pytest

from custodian.usage.intervals import PERIODS, hourly_table, is_demand, month_figure, series_key
from custodian.vault.interval_files import IntervalBlock, month_bounds

DANAS_DEMAND = [1.0, np.nan, 42.5, 3.0]


def test_a_demand_month_is_its_peak_and_an_energy_month_its_sum():
    assert month_figure(series_key("electric", demand=True), DANAS_DEMAND) == 42.5
    assert month_figure(series_key("electric", 19, point=2, demand=True), DANAS_DEMAND) == 42.5
    assert month_figure("electric", DANAS_DEMAND) == 46.5
    assert month_figure("gas", [2.0, 3.0]) == 5.0
    assert math.isnan(month_figure("electric_demand", [np.nan, np.nan]))
    assert math.isnan(month_figure("electric", []))


def test_every_block_of_a_demand_series_is_of_demand():
    assert is_demand("electric#2_net_demand" + PERIODS)
    assert not is_demand("electric") and not is_demand("electric_net" + PERIODS)


def test_demand_is_not_added_up_to_hours():
    first, _ = month_bounds("2026-06")
    block = IntervalBlock(7, "electric_demand", "2026-06", first, 900, np.array(DANAS_DEMAND))
    with pytest.raises(ValueError, match="demand"):
        hourly_table([block], "electric_demand")
