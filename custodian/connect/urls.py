from django.urls import path
from oauth2_provider import views as oauth_views

from custodian.connect import views
from custodian.connect.oauth import TokenView

app_name = "connect"

ESPI = "espi/1_1/resource/"

urlpatterns = [
    # The third party's own view (client credentials), before the subscriptions' resources.
    path(
        ESPI + "ApplicationInformation/<id:application_id>",
        views.application_information_read,
        name="application_information",
    ),
    path(ESPI + "Authorization", views.authorization_list, name="authorizations"),
    path(ESPI + "Authorization/<id:authorization_id>", views.authorization_list, name="authorization"),
    path(ESPI + "Batch/Bulk/<id:bulk_id>", views.bulk, name="bulk"),
    path(ESPI + "<path:resource>", views.resource, name="resource"),
    path("connect/oauth/token/", TokenView.as_view(), name="token"),
    path("connect/oauth/revoke/", oauth_views.RevokeTokenView.as_view(), name="revoke"),
]
