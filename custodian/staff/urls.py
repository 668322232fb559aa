from django.contrib.auth import views as auth_views
from django.urls import path

from custodian.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="staff/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="staff:login"), name="logout"),
]
