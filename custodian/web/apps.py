from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "custodian.web"
    label = "web"
