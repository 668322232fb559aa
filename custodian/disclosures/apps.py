from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "custodian.disclosures"
    label = "disclosures"
