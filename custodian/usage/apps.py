from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "custodian.usage"
    label = "usage"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.usage import mailing

        mailing.register()
        # The homes a customer's home is compared with, in a data request's answer and their download.
        from custodian.usage import records

        records.register()
