from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "custodian.analytics"
    label = "analytics"
