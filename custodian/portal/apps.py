from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "custodian.portal"
    label = "portal"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.portal.navigation import SECTIONS
        from custodian.portal.services import portal_accounts_delete
        from custodian.retention import online_accounts
        from custodian.web import navigation

        navigation.register("portal", navigation.Area("My account", SECTIONS))
        online_accounts.register(portal_accounts_delete)
