from django.apps import AppConfig


class CollectingConfig(AppConfig):
    name = "custodian.collecting"
    label = "collecting"
