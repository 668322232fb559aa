from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "custodian.incidents"
    label = "incidents"
    verbose_name = "Security incidents and breaches (Minn. Stat. § 13.055)"
