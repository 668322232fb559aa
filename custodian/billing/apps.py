from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "custodian.billing"
    label = "billing"

    def ready(self):
        # Load and check the tariff at start-up: a bad tariff file stops the app with an error naming it.
        from custodian.billing.tariff import current_tariff

        current_tariff()
        from custodian.billing import mailing

        mailing.register()
        from custodian.billing import estimate

        estimate.register()
        from custodian.billing import records

        records.register()
