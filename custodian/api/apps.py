from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "custodian.api"
    label = "api"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.api.services import api_tokens_revoke_for_vendor
        from custodian.disclosures.signals import vendor_revoked

        def revoke_tokens(sender, *, vendor, **kwargs):
            api_tokens_revoke_for_vendor(vendor=vendor)

        vendor_revoked.connect(revoke_tokens, weak=False, dispatch_uid="api-tokens-of-revoked-vendor")

        from custodian.api.services import api_tokens_revoke_for_user
        from custodian.staff.signals import staff_offboarded

        def revoke_staff_tokens(sender, *, user, **kwargs) -> int:
            # The offboarding's own event names the count: no second event here.
            return api_tokens_revoke_for_user(user=user, record=False)

        staff_offboarded.connect(
            revoke_staff_tokens, weak=False, dispatch_uid="api-tokens-of-offboarded-staff"
        )
