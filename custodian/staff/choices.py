"""The choices of staff records, for pages and other apps to name without importing the models."""

from django.db import models


class ChangeKind(models.TextChoices):
    SERVICES = "services", "support services that read customer data or decide on others' access"
    PASSWORD = "password", "a password reset (a set-up link by e-mail to the member)"
    SECOND_FACTOR = "second_factor", "a second-factor reset"
    API_TOKEN = "api_token", "an API token that acts as them"
    REACTIVATE = (
        "reactivate",
        "signing in again, in support services that read customer data or decide on others' access",
    )


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "waiting for approval"
    APPROVED = "approved", "approved"
    DECLINED = "declined", "declined"
    # An approved API token taken by the administrator who asked (it is issued once).
    USED = "used", "approved and used"
