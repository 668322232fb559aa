from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "custodian.vault"
    label = "vault"
