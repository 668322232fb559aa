from django.urls import path

from custodian.payments import views

app_name = "payments"
urlpatterns = [
    path("webhook/", views.webhook, name="webhook"),
    path("simulated-processor/checkout/<str:token>/", views.simulated_checkout, name="simulated_checkout"),
]
