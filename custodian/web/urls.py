"""The public site's pages, each served at the route written above its view (custodian.routing)."""

from custodian.routing import urlpatterns_of
from custodian.web import third_party_registration, views

app_name = "web"
urlpatterns = urlpatterns_of(views, third_party_registration)
