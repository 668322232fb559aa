from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "custodian.retention"
    label = "retention"
    verbose_name = "Retention and destruction"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        # Requests to delete one's data, in a data request's answer and the customer's download.
        from custodian.retention import records

        records.register()
