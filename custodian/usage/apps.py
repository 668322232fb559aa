from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "custodian.usage"
    label = "usage"
