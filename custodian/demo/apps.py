from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "custodian.demo"
    label = "demo"
