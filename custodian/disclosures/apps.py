from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "custodian.disclosures"
    label = "disclosures"

    def ready(self):
        # Imported here: the answer reads the models, which load only once the app registry is ready.
        from custodian.disclosures.services.consents import ConsentsInForceAnswer
        from custodian.vault import consents_in_force

        consents_in_force.register(ConsentsInForceAnswer())
        # Consents, in a data request's answer and the customer's download.
        from custodian.disclosures import records

        records.register()
        # Its records sealed into the access log, checked by `audit verify`.
        from custodian.audit.record_seals import sealed_records_register
        from custodian.disclosures.sealed import records_checked

        sealed_records_register(records_checked)
