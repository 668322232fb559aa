from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "custodian.payments"
    label = "payments"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.disclosures.exports import export_own_register
        from custodian.payments.autopay import ACH_ORIGINATION

        export_own_register(ACH_ORIGINATION, "the debits due on automatic payment (the NACHA file)")
        # Automatic payment and card payments, in a data request's answer and the customer's download.
        from custodian.payments import records

        records.register()
        # The bank account's side of a request to delete the customer's data (retention asks).
        from custodian.payments import on_erasure

        on_erasure.register()
