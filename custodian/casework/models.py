"""Customer requests: the work that request-driven purposes are tied to."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The app's choices live in choices.py (forms and views name them without the models); named here too.
from custodian.casework.choices import (  # noqa: F401
    DATA_REQUEST_FACTS,
    REQUEST_CHANNELS,
    VERIFICATION_BY_CHANNEL,
    VERIFIED_WITH,
    VERIFYING,
    RepresentativeKind,
    RepresentativeScope,
    RequestKind,
    RequestStatus,
    Verification,
)
from custodian.policy.loader import current_policy
from custodian.textlist import CommaList


class CustomerRequest(models.Model):
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=24, choices=RequestKind.choices)
    channel = models.CharField(max_length=16, choices=REQUEST_CHANNELS)
    status = models.CharField(max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    owning_service = models.CharField(max_length=32)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    # For idempotent intake: a hash of an imported e-mail's Message-ID (or of the raw message when it has
    # none), or a keyed hash of a portal or contact-form request's sender, kind, message and ten-minute window
    # (casework.services.request_intake: the same request sent again is the first one). Cleared by the
    # customer's erasure (casework.forget: `ForgottenSource` then tells a message imported again).
    source_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Staff-entered requests: how the staff member who entered it (opened_by) verified the person, and what
    # was checked (a key of VERIFIED_WITH). Empty for requests from the portal, the web form and e-mail.
    verification = models.CharField(max_length=20, choices=Verification.choices, blank=True)
    verified_with = models.CharField(max_length=24, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A request that arrived from someone not yet known (an inquirer) and was then verified as an account's
    # customer moves to that customer; the inquirer it arrived as is kept (its messages are sealed there).
    received_as = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Made by the customer's representative acting for them in the portal: the authority they acted under (its
    # scope and data categories as they were are on the access log's record of it).
    representative = models.ForeignKey(
        "casework.Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A data request's answer: when, and the letter that carried it (on the outbox's record).
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        "outbox.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The member of the owning service working on it: taken by them, or given to them by the service's lead;
    # a hand-off to another service leaves it unassigned there.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["customer", "status", "owning_service"]),
            models.Index(fields=["owning_service", "status", "due_on"]),
        ]

    @property
    def is_verified(self) -> bool:
        return self.verification in VERIFYING

    @property
    def verification_label(self) -> str:
        if not self.verification:
            return ""
        checked = VERIFIED_WITH[self.verification].get(self.verified_with, "")
        if self.representative_id is not None:
            rep = self.representative
            # She is the customer's representative, not a customer: named by her authority, what it lets her
            # do and see in the labels staff read on the representatives page.
            kind = str(rep.get_kind_display()).lower()
            checked = (
                f"by the customer's representative, {kind} (authority {rep.pk}), "
                f"who may: {'; '.join(rep.scope_labels)}; and sees: {', '.join(rep.category_labels)}"
            )
        return f"{self.get_verification_display()}{f' ({checked})' if checked else ''}"

    @property
    def is_overdue(self) -> bool:

        return (
            self.status == RequestStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ForgottenSource(models.Model):
    """A request's `source_key` its customer's erasure cleared, as a keyed digest of the key and nothing else
    (no customer, no request, no day): the same message imported again, or the same caller's key given
    again, makes nothing (casework.forget). Nothing here says whose it was."""

    digest = models.CharField(max_length=64, unique=True)


class RequestEvent(models.Model):
    """The request's history: opened, taken or assigned (to whom), a note added (its text sealed in the
    vault, never here), a reply sent (the outbox's record), handed off (with a reason), closed."""

    request = models.ForeignKey(CustomerRequest, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16)
    from_service = models.CharField(max_length=32, blank=True)
    to_service = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        "outbox.OutboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class Representative(models.Model):
    """Someone authorised to act for a customer (Minn. Stat. § 13.02 subd. 8's "individual" includes a
    guardian or other representative): who (their own record, `person`: a name and an e-mail address sealed
    there), by what authority (the document sealed under the customer's key, `document_ref`), verified by
    staff, what they may do (`scope`), which of the customer's data they may see (`categories`: the gate
    refuses them any other) and until when. They act in the portal; every act is logged naming both."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="representatives"
    )
    person = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="represents")
    kind = models.CharField(max_length=20, choices=RepresentativeKind.choices)
    scope = models.CharField(max_length=100)
    # The policy file's data categories they may read for the customer, comma-separated; the gate enforces it.
    categories = models.CharField(max_length=400, default="")
    document_ref = models.CharField(max_length=80)
    starts_on = models.DateField()
    expires_on = models.DateField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    scope_list = CommaList("scope")
    category_list = CommaList("categories")

    @property
    def scope_labels(self) -> list[str]:
        """What she may do, by the choices' labels in the active language (never the stored keys)."""
        return [str(RepresentativeScope(s).label) for s in self.scope_list if s in RepresentativeScope.values]

    @property
    def category_labels(self) -> list[str]:
        """The data she may see, by the policy file's labels in the active language (never the keys)."""
        categories = current_policy().categories
        return [categories[c].in_language().label for c in self.category_list if c in categories]

    def is_current(self, on=None) -> bool:
        day = on or timezone.localdate()
        return (
            self.verified_at is not None
            and self.revoked_at is None
            and self.starts_on <= day <= self.expires_on
        )
