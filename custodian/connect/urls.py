from django.urls import path
from oauth2_provider import views as oauth_views

from custodian.connect import views

app_name = "connect"

urlpatterns = [
    path("espi/1_1/resource/<path:resource>", views.resource, name="resource"),
    path("connect/oauth/token/", oauth_views.TokenView.as_view(), name="token"),
    path("connect/oauth/revoke/", oauth_views.RevokeTokenView.as_view(), name="revoke"),
]
