from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PortalConfig(AppConfig):
    name = "custodian.portal"
    label = "portal"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.portal.navigation import SECTIONS
        from custodian.portal.services import portal_accounts_delete
        from custodian.retention import online_accounts
        from custodian.web import navigation

        navigation.register("portal", navigation.Area(gettext_lazy("My account"), SECTIONS))
        online_accounts.register(portal_accounts_delete)
