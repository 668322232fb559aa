from django.urls import include, path

from custodian.api.api import api

# `<id:…>` in the apps' URL configurations is registered by the web app when the apps are ready.
urlpatterns = [
    path("", include("custodian.web.urls")),
    path("staff/", include("custodian.staff.urls")),
    path("staff/", include("custodian.console.urls")),
    path("staff/", include("custodian.api.console_urls")),
    path("portal/", include("custodian.portal.urls")),
    path("transparency/", include("custodian.audit.urls")),
    path("payments/", include("custodian.payments.urls")),
    path("", include("custodian.connect.urls")),
    path("api/v1/", api.urls),
]

handler400 = "custodian.web.views.bad_request"
handler500 = "custodian.web.views.server_error"
