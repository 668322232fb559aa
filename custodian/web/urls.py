from django.urls import path

from custodian.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("portal/", views.portal, name="portal"),
]
