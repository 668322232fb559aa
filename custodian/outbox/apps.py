from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "custodian.outbox"
    label = "outbox"
    verbose_name = "Outbound messages"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.audit import heads
        from custodian.outbox.services import message_send

        heads.mail_through(message_send)
