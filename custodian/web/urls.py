from django.urls import path

from custodian.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("privacy/incidents/", views.incidents, name="incidents"),
    path("cookies/", views.cookies, name="cookies"),
    path("preferences/text-size/", views.text_size, name="text_size"),
    path(".well-known/gpc.json", views.gpc, name="gpc"),
    path("portal/", views.portal, name="portal"),
]
