from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "custodian.connect"
    label = "connect"
    verbose_name = "Green Button Connect My Data"

    def ready(self):
        # Imported here: the receiver imports models, which load only once the app registry is ready.
        from custodian.audit.selectors import why_words_register
        from custodian.connect.notifications import notifications_queue
        from custodian.connect.resources import disclosed_in_words, reads_why_in_words
        from custodian.connect.services import tokens_of_revoked_consent
        from custodian.disclosures.selectors import disclosed_words_register
        from custodian.disclosures.signals import consent_revoked
        from custodian.usage.signals import readings_imported

        consent_revoked.connect(tokens_of_revoked_consent, weak=False, dispatch_uid="connect-consent-revoked")
        readings_imported.connect(notifications_queue, weak=False, dispatch_uid="connect-new-data")
        disclosed_words_register(disclosed_in_words)
        why_words_register(reads_why_in_words)
        # The apps a customer authorised, in a data request's answer and the customer's download.
        from custodian.connect import records

        records.register()
        # Spent authorization codes, pruned by the daily retention run once their tokens can't be live.
        from custodian.connect.oauth import spent_codes_past_mattering, spent_codes_prune
        from custodian.housekeeping import prune_register

        prune_register(
            "connect_spent_codes",
            "spent Connect My Data authorization codes whose tokens can no longer be live",
            due=lambda now: spent_codes_past_mattering(now).count(),
            prune=spent_codes_prune,
        )
