from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "custodian.usage"
    label = "usage"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.usage import mailing

        mailing.register()
