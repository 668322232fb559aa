"""Payments through the payment processor (the policy file's `payment_processing` vendor function).

Card numbers never reach Custodian: the customer pays on the processor's hosted page (the PCI DSS SAQ A
model), and the processor tells us the outcome in a signed webhook. We keep the session (amount, account,
the processor's reference and outcome) and each webhook event's id, so a replayed event is refused.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from custodian.payments.choices import ChangeNoticeOutcome, NoChangeReason, ReceivedBy


class PaymentSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the customer on the processor's page")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    token = models.CharField(
        max_length=40, unique=True
    )  # our opaque reference, the only id the processor gets
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    # The processor (a payment-processing vendor with a current determination when the session opened).
    vendor = models.ForeignKey(
        "disclosures.Vendor", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # A deposit paid online: the payment holds it instead of paying the bills (None: a payment of the bills).
    deposit = models.ForeignKey(
        "billing.Deposit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    processor_payment_id = models.CharField(max_length=60, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)


class WebhookEvent(models.Model):
    """Every webhook event accepted, by the processor's event id: the same event twice is a replay."""

    event_id = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)


class Autopay(models.Model):
    """An account paid automatically from the customer's bank account (the account itself is sealed in the
    vault, category `bank_account`); the customer authorized it under the `automatic_payment` notice."""

    account = models.OneToOneField(
        "customers.Account", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField()
    notice_version = models.CharField(max_length=20)
    active = models.BooleanField(default=True)
    stopped_at = models.DateTimeField(null=True, blank=True)


class AchDebit(models.Model):
    """One part of a month's bill debited from the customer's bank account in a NACHA file sent to the
    utility's bank: what the month asks by one of its due dates (`due_on`: the bill's due date, or a
    correction's increase's), on the month's current bill when it was sent. A bill corrected upward after its
    debit has a second debit, for its increase, when that falls due; never two for one due date of a bill.
    The reference in the file is opaque (not the account number); the debit is posted on the ledger with
    it."""

    bill = models.ForeignKey("billing.Bill", on_delete=models.PROTECT, related_name="ach_debits")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(help_text="the due date of the part of the month it pays")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=15, unique=True)
    effective_on = models.DateField()
    export = models.ForeignKey("disclosures.VendorExport", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bill", "due_on"], name="one_debit_per_bill_and_due_date")
        ]


class AchReturn(models.Model):
    """A debit the customer's bank returned (the bank's return file), with its NACHA return reason code:
    posted once as a reversal on the ledger, so the bill is owed again."""

    debit = models.OneToOneField(AchDebit, on_delete=models.PROTECT, related_name="returned")
    reason_code = models.CharField(max_length=3)
    received_on = models.DateField()
    recorded_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class AchChangeNotice(models.Model):
    """A notification of change (NACHA addenda type 98) the bank sent about one of our debits: the account's
    bank data was wrong or has changed, and the next debit must use the corrected data (the rules ask the
    utility to act on it). The change code is kept here; the corrected data, the customer's bank data, only
    sealed in the vault (`document_ref`, category `bank_account`), for collections to act on: once, the
    correction applied to the bank account on file or the notice handled without a change for one of
    `NoChangeReason` (`payments.change_notices`), by whom and when."""

    Outcome = ChangeNoticeOutcome
    Reason = NoChangeReason

    debit = models.ForeignKey(AchDebit, on_delete=models.PROTECT, related_name="change_notices")
    change_code = models.CharField(max_length=3)
    # The sealed document's ref (not a key to it: erasing the customer destroys the document, and this
    # record of what the bank asked stays).
    document_ref = models.CharField(max_length=60)
    received_on = models.DateField()
    recorded_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    acted_on = models.DateTimeField(null=True, blank=True)
    acted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    no_change_reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["debit", "change_code"], name="one_change_notice_per_debit_and_code"
            ),
            # Acted on once, whole: when, by whom and what was done (and why no change) together.
            models.CheckConstraint(
                condition=models.Q(
                    acted_on__isnull=True, acted_by__isnull=True, outcome="", no_change_reason=""
                )
                | models.Q(
                    acted_on__isnull=False, acted_by__isnull=False, outcome="applied", no_change_reason=""
                )
                | models.Q(acted_on__isnull=False, acted_by__isnull=False, outcome="no_change")
                & ~models.Q(no_change_reason=""),
                name="change_notice_acted_on_whole",
            ),
        ]


class PaymentReceived(models.Model):
    """A payment the utility took itself, recorded by staff: a check mailed in or handed over, cash or a money
    order at the counter (a card is paid on the processor's page, never typed here). Its number is the
    customer's receipt; its ledger entry pays the bills."""

    Method = ReceivedBy

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=12, choices=Method.choices)
    received_on = models.DateField()
    check_number = models.CharField(max_length=12, blank=True)
    entry = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "payment received"
