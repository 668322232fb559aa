from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "custodian.portal"
    label = "portal"
