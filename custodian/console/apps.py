from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "custodian.console"
    label = "console"

    def ready(self):
        from custodian.console.access import may_open
        from custodian.console.navigation import SECTIONS
        from custodian.web import navigation

        navigation.register("console", navigation.Area("Console", SECTIONS, may_open))
