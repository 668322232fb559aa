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

    # Limited until the code mailed to the mailing address on file is entered: an online account whose sign-up
    # was not confirmed from an e-mail address the utility already held (custodian.portal.mailed_code). Only
    # a keyed hash of the code is kept, with when it was mailed and how many wrong codes were tried.
    limited = models.BooleanField(default=False)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_failures = models.PositiveSmallIntegerField(default=0)
