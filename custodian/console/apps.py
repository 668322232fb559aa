from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "custodian.console"
    label = "console"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.console.access import may_open
        from custodian.console.navigation import SECTIONS, home_cards
        from custodian.web import navigation

        navigation.register("console", navigation.Area("Console", SECTIONS, may_open, home_cards))

        from custodian.console.staff_notices import staff_notice_send
        from custodian.staff.signals import staff_notice

        staff_notice.connect(staff_notice_send, weak=False, dispatch_uid="console-staff-notices")
