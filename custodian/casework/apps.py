from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "custodian.casework"
    label = "casework"
