"""The usage app's services, by concern: `greenbutton_points` (a customer's usage points for Green
Button), `peer_groups` (the stored peer groups of the comparison), `tips` (the tips under a comparison),
`costs` (a month's use in dollars, as billing registers it), `neighbours` (the comparison as the portal and
the mailed letter show it) and `presentation` (what else the portal shows). Callers import
`custodian.usage.services`."""

from custodian.usage.services.greenbutton_points import (
    default_period,
    green_button_file_name,
    point_title,
    usage_points_for,
    usage_points_held,
)
from custodian.usage.services.neighbours import (
    BANDS,
    band_of,
    comparison_report,
    comparison_reports,
    my_comparison,
)
from custodian.usage.services.peer_groups import group_months_of, group_services_of, store_group_aggregates
from custodian.usage.services.presentation import (
    USE_SERIES,
    electric_months,
    home_months,
    home_use,
    interval_readings_held,
    month_against_last_year,
    monthly_use_held,
    my_usage,
)
from custodian.usage.services.tips import day_shape, day_shapes, tip_for, tip_keys, tips_for
from custodian.usage.services.year_on_year import year_against_last_year

__all__ = [
    "USE_SERIES",
    "BANDS",
    "band_of",
    "comparison_report",
    "comparison_reports",
    "day_shape",
    "day_shapes",
    "default_period",
    "green_button_file_name",
    "electric_months",
    "home_months",
    "home_use",
    "group_months_of",
    "group_services_of",
    "interval_readings_held",
    "month_against_last_year",
    "monthly_use_held",
    "my_comparison",
    "my_usage",
    "point_title",
    "store_group_aggregates",
    "tip_for",
    "tip_keys",
    "tips_for",
    "usage_points_held",
    "usage_points_for",
    "year_against_last_year",
]
