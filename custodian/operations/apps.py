from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "custodian.operations"
    label = "operations"
    verbose_name = "Operations: server, health, scheduled jobs"

    def ready(self):
        from custodian.operations import advisories  # noqa: F401  (registers its system check; models loaded)
