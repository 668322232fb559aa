from django.apps import AppConfig


class CollectingConfig(AppConfig):
    name = "custodian.collecting"
    label = "collecting"

    def ready(self):
        # What lower layers ask of collections, registered once the app registry is ready.
        from custodian.billing.fee_relief import fee_relief_register
        from custodian.casework.package_words import value_words_register  # app registry ready first
        from custodian.collecting.agreements import arrears_spared
        from custodian.collecting.facts import FIELD, ProtectionFacts

        # The protection facts in words, for a data request's answer (casework, a layer below, can't read
        # their structure itself).
        value_words_register(
            FIELD,
            lambda value: [
                (label, words) for _k, label, _v, words in ProtectionFacts.from_json(value).in_words()
            ],
        )
        # The late payment charges (billing, below) spare the arrears a payment agreement pays.
        fee_relief_register(arrears_spared)
        # The agreements and notices of disconnection, in a data request's answer and the customer's download.
        from custodian.collecting import records

        records.register()
        # The protection facts' side of a request to delete the customer's data (retention asks).
        from custodian.collecting import on_erasure

        on_erasure.register()
