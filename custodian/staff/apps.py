from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "custodian.staff"
    label = "staff"
