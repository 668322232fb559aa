from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "custodian.customers"
    label = "customers"
