from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "custodian.operations"
    label = "operations"
    verbose_name = "Operations: server, health, scheduled jobs"
