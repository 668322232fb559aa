from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "custodian.audit"
    label = "audit"
