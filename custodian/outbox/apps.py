from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "custodian.outbox"
    label = "outbox"
    verbose_name = "Outbound messages"

    def ready(self):
        from custodian.audit import heads
        from custodian.outbox.services import message_send

        heads.mail_through(message_send)
