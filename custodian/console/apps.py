from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "custodian.console"
    label = "console"
