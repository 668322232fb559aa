from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "custodian.usage"
    label = "usage"

    def ready(self):
        from custodian.usage import mailing

        mailing.register()
