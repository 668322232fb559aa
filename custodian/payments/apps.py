from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "custodian.payments"
    label = "payments"
