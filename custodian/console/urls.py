"""The console's pages, each served at the route written above its view (custodian.routing)."""

from custodian.console import (
    account_views,
    approval_views,
    billing_views,
    collections_views,
    customer_views,
    deposit_views,
    desk_views,
    disclosure_views,
    incident_views,
    law_enforcement_views,
    marketing_views,
    operations_views,
    people_views,
    privacy_views,
    read_import_views,
    report_views,
    representative_views,
    request_views,
    third_party_views,
    web_stats,
)
from custodian.routing import urlpatterns_of

app_name = "console"
urlpatterns = urlpatterns_of(
    customer_views,
    operations_views,
    report_views,
    representative_views,
    request_views,
    desk_views,
    privacy_views,
    third_party_views,
    incident_views,
    marketing_views,
    web_stats,
    disclosure_views,
    law_enforcement_views,
    billing_views,
    collections_views,
    deposit_views,
    account_views,
    read_import_views,
    people_views,
    approval_views,
)
