from django.contrib.auth import views as auth_views
from django.urls import path

from custodian.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/second-factor/", views.second_factor, name="mfa"),
    path("set-up/<str:token>/", views.set_up, name="set_up"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
]
