from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "custodian.api"
    label = "api"
