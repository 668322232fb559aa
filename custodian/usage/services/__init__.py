"""The usage app's services, by concern: `greenbutton_points` (a customer's usage points for Green
Button), `peer_groups` (the stored peer groups of the comparison), `tips` (the tip under a comparison) and
`presentation` (what the portal and the mailed report show). Callers import `custodian.usage.services`."""

from custodian.usage.services.greenbutton_points import (
    SOURCE_TITLES,
    default_period,
    green_button_file_name,
    usage_points_for,
    usage_points_held,
)
from custodian.usage.services.peer_groups import group_months_of, store_group_aggregates
from custodian.usage.services.presentation import (
    comparison_report,
    electric_months,
    electric_use,
    interval_readings_held,
    month_against_last_year,
    my_comparison,
    my_usage,
)
from custodian.usage.services.tips import TIPS, day_shape, tip_for

__all__ = [
    "SOURCE_TITLES",
    "TIPS",
    "comparison_report",
    "day_shape",
    "default_period",
    "green_button_file_name",
    "electric_months",
    "electric_use",
    "group_months_of",
    "interval_readings_held",
    "month_against_last_year",
    "my_comparison",
    "my_usage",
    "store_group_aggregates",
    "tip_for",
    "usage_points_held",
    "usage_points_for",
]
