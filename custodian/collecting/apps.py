from django.apps import AppConfig


class CollectingConfig(AppConfig):
    name = "custodian.collecting"
    label = "collecting"

    def ready(self):
        # The protection facts in words, for a data request's answer (casework, a layer below, can't read
        # their structure itself).
        from custodian.casework.package_words import value_words_register  # app registry ready first
        from custodian.collecting.facts import FIELD, ProtectionFacts

        value_words_register(
            FIELD,
            lambda value: [
                (label, words) for _k, label, _v, words in ProtectionFacts.from_json(value).in_words()
            ],
        )
