"""Green Button Connect My Data: the third parties (ESPI ApplicationInformation) and the customers'
authorisations (ESPI Authorization, the Subscription behind it).

A third party is a disclosure recipient like a vendor: registered with its name, contact, purpose and data
practices, it can do nothing until the privacy officer approves it. An authorisation is a customer's
electronic consent (`disclosures.Consent`, append-only, its words sealed) joined to the third party and the
scope the customer agreed to; it ends when the consent is revoked or expires, and its tokens with it."""

from django.conf import settings
from django.db import models

from custodian.textlist import CommaList


class ThirdParty(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the privacy officer's review"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        SUSPENDED = "suspended", "Suspended"

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.PROTECT, related_name="third_party"
    )
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, help_text="how customers and the utility reach them")
    website = models.URLField(max_length=300)
    purpose = models.CharField(max_length=500, help_text="what they do with the data, in their words")
    data_practices = models.TextField(help_text="how long they keep it, whom they share it with, security")
    scopes = models.TextField(help_text="the ESPI scope strings they may ask for, one a line")
    notify_uri = models.URLField(
        max_length=300, blank=True, help_text="where the utility posts the list of new data (ESPI BatchList)"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def scope_list(self) -> list[str]:
        return [line.strip() for line in self.scopes.splitlines() if line.strip()]


class Authorization(models.Model):
    """A customer's authorisation of a third party (the ESPI Authorization and its Subscription): the
    consent it rests on, the scope agreed, the services and period it covers. Written once; it ends through
    its consent's revocation or expiry."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    third_party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="authorizations")
    consent = models.OneToOneField(
        "disclosures.Consent", on_delete=models.PROTECT, related_name="connect_authorization"
    )
    # The customer's portal sign-in that authorised it; none once that sign-in is deleted (an erasure, a
    # closed account past its period), when the authorisation has been ended first (`authorizations_end`):
    # the record stays, as the consent and the accounting of what was disclosed under it do.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(max_length=500)
    services = models.CharField(max_length=100, help_text="comma-separated services the customer chose")
    usage_points = models.CharField(
        max_length=300,
        blank=True,
        help_text="comma-separated usage points the customer chose (electric, electric#2, …); empty: every "
        "usage point of the services chosen",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "third_party"])]

    service_list = CommaList("services")
    usage_point_list = CommaList("usage_points")


class Notification(models.Model):
    """A notification of new data (ESPI function block 39): a BatchList of the subscription's resource URI
    posted to the third party's notify URI, and nothing else. Queued in the transaction that stores the new
    readings, posted by the background worker, retried with growing waits; each attempt is kept here."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be posted"
        SENT = "sent", "Posted"
        FAILED = "failed", "Given up after the last attempt"
        DROPPED = "dropped", "Not posted: the authorisation or the third party's approval ended first"

    authorization = models.ForeignKey(Authorization, on_delete=models.PROTECT, related_name="notifications")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=200, blank=True, help_text="the last attempt's answer, never a body"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class SpentCode(models.Model):
    """An authorization code exchanged for tokens, by its digest (a code is a secret, kept as tokens are), and
    the token family the toolkit started for it (the refresh token issued then and every one rotated from it,
    with their access tokens): a code presented again has that family revoked (RFC 6749 §4.1.2), since a
    second exchange means someone else may hold it. The toolkit deletes a code when it is exchanged and keeps
    no link from a token to its code."""

    code_checksum = models.CharField(max_length=64, unique=True)
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token_family = models.UUIDField()
    spent_at = models.DateTimeField(auto_now_add=True)
