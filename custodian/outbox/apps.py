from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "custodian.outbox"
    label = "outbox"
    verbose_name = "Outbound messages"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.audit import heads
        from custodian.outbox.contact_change import contact_replaced_tell
        from custodian.outbox.services import message_send
        from custodian.vault.signals import contact_replaced

        heads.mail_through(message_send)
        contact_replaced.connect(contact_replaced_tell, weak=False, dispatch_uid="outbox-contact-replaced")
