"""The customer portal's pages, each served at the route written above its view (custodian.routing)."""

from custodian.portal import (
    account_views,
    billing_views,
    connect_views,
    my_data_views,
    privacy_views,
    representative_views,
    security_views,
    service_views,
    usage_views,
)
from custodian.routing import urlpatterns_of

app_name = "portal"
urlpatterns = urlpatterns_of(
    account_views,
    representative_views,
    security_views,
    my_data_views,
    privacy_views,
    connect_views,
    usage_views,
    billing_views,
    service_views,
)
