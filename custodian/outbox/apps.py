from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "custodian.outbox"
    label = "outbox"
    verbose_name = "Outbound messages"
