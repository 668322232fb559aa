from django.urls import path

from custodian.web import third_party_registration, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("privacy/incidents/", views.incidents, name="incidents"),
    path("privacy/inventory/", views.inventory, name="inventory"),
    path("privacy/rights/", views.rights, name="rights"),
    path("privacy/versions/", views.policy_versions, name="policy_versions"),
    path("privacy/versions/<str:version>/", views.policy_version, name="policy_version"),
    path("privacy/report/", views.privacy_report, name="privacy_report"),
    path("cookies/", views.cookies, name="cookies"),
    path("preferences/text-size/", views.text_size, name="text_size"),
    path(".well-known/gpc.json", views.gpc, name="gpc"),
    path("portal/", views.portal, name="portal"),
    # Green Button Connect My Data: third parties register on the public site (the connect app reviews them).
    path("connect/register/", third_party_registration.register, name="connect_register"),
]
