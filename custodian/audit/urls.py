"""The transparency log's public files, each served at the route written above its view
(custodian.routing)."""

from custodian.audit import views
from custodian.routing import urlpatterns_of

app_name = "transparency"
urlpatterns = urlpatterns_of(views)
