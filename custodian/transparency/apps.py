from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "custodian.transparency"
    label = "transparency"
    verbose_name = "Transparency: inventory, rights, policy versions, annual privacy report"
