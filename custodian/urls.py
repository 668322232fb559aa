from django.urls import include, path

from custodian.api.api import api

urlpatterns = [
    path("", include("custodian.web.urls")),
    path("staff/", include("custodian.staff.urls")),
    path("staff/", include("custodian.console.urls")),
    path("portal/", include("custodian.portal.urls")),
    path("payments/", include("custodian.payments.urls")),
    path("api/v1/", api.urls),
]
