from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PortalConfig(AppConfig):
    name = "custodian.portal"
    label = "portal"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.billing.notices import letters_readable_register
        from custodian.casework.email_confirmation import email_confirmation_register
        from custodian.casework.package_words import SIGN_IN_REF_PREFIX
        from custodian.outbox.services import one_time_code_register
        from custodian.portal.access import menu_may_open
        from custodian.portal.email_change import CHANGE_REF_PREFIX, email_change_ask
        from custodian.portal.mailed_code import LETTER_TEMPLATE, code_printed
        from custodian.portal.navigation import SECTIONS
        from custodian.portal.services import (
            letters_closed_while_limited,
            portal_accounts_delete,
            sign_in_addresses_forget,
            sign_in_addresses_held,
        )
        from custodian.retention import online_accounts
        from custodian.web import navigation

        navigation.register("portal", navigation.Area(gettext_lazy("My account"), SECTIONS, menu_may_open))
        # The address an account signs in with and one waiting to be confirmed go with the account; the
        # sign-in records forget the names of the addresses an erasure deletes, not of one an account still
        # signs in with.
        online_accounts.register(
            portal_accounts_delete,
            documents=(SIGN_IN_REF_PREFIX, CHANGE_REF_PREFIX),
            addresses_forget=sign_in_addresses_forget,
            addresses_held=sign_in_addresses_held,
        )
        one_time_code_register(LETTER_TEMPLATE, code_printed)
        letters_readable_register(letters_closed_while_limited)
        # A new e-mail address given to staff confirms itself as one given in the portal does.
        email_confirmation_register(email_change_ask)
