"""A customer's sign-in to the self-service portal.

The Django user behind it carries no personal data: its user name is the blind index of the customer's
e-mail address, so signing in finds the account without the address being stored in clear anywhere.
"""

from django.conf import settings
from django.db import models


class PortalAccount(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="portal_account"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
