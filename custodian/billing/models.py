"""Bills, bill runs and the ledger.

A bill's content (name, addresses, usage by service, every line) is personal data and lives sealed in the
vault (`vault.SealedDocument`, category `bills`), read through the gate. In clear are what accounting and
collections work from without opening anyone's data, like a general ledger: internal ids, the cycle and
period, the tariff version, the total and due date, and each ledger entry's amount.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """A sum of amounts, to the cent. SQLite adds decimals as floating point (a paid-up account can sum to
    5.7e-13), so every sum read from the database is rounded to the cent before it is compared or shown."""
    return Decimal(value or 0).quantize(CENT)


class BillRun(models.Model):
    """One run of the billing job for a cycle: its progress is what the console shows."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    cycle = models.CharField(max_length=7)  # YYYY-MM
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    bills_issued = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.CharField(max_length=400, blank=True)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class Bill(models.Model):
    """One account's bill for one cycle. Never edited: a correction is a re-bill that supersedes it, with
    its reason; the superseded bill stays, marked."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="bills")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    cycle = models.CharField(max_length=7)
    period_start = models.DateField()
    period_end = models.DateField()
    issued_on = models.DateField()
    due_on = models.DateField()
    tariff_versions = models.CharField(max_length=60)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    estimated_services = models.CharField(
        max_length=40, blank=True, help_text="services billed on an estimate"
    )
    final = models.BooleanField(default=False, help_text="the account closed in this cycle")
    document_ref = models.CharField(max_length=80, unique=True)
    content_sha256 = models.CharField(max_length=64)
    run = models.ForeignKey(BillRun, null=True, blank=True, on_delete=models.PROTECT, related_name="bills")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    rebill_reason = models.CharField(max_length=300, blank=True)
    rebilled_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    trued_up_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="true_ups"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A re-run finds the cycle's bill and leaves it; a correction supersedes it.
            models.UniqueConstraint(
                fields=["account", "cycle"], condition=Q(is_current=True), name="one_current_bill_per_cycle"
            )
        ]
        indexes = [models.Index(fields=["customer", "cycle"])]

    def __str__(self):
        return f"Bill {self.pk} ({self.cycle})"


class LedgerEntry(models.Model):
    """What an account owes and has paid: positive amounts are owed (charges, late fees, deposits
    required), negative amounts reduce what is owed (payments, credits). Append-only: a mistake is
    reversed by another entry."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "Bill"
        REBILL_CREDIT = "rebill_credit", "Credit for a corrected bill"
        PAYMENT = "payment", "Payment"
        PAYMENT_REVERSAL = "payment_reversal", "Returned payment"
        ADJUSTMENT = "adjustment", "Adjustment"
        DEPOSIT = "deposit", "Deposit"
        LATE_FEE = "late_fee", "Late payment charge"

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    posted_on = models.DateField()
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField(max_length=80, blank=True)
    memo = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One late fee per bill, one posting per processor payment: re-runs and re-deliveries do no harm.
            models.UniqueConstraint(
                fields=["bill"], condition=Q(kind="late_fee"), name="one_late_fee_per_bill"
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(kind="payment") & ~Q(reference=""),
                name="one_posting_per_payment",
            ),
        ]
        indexes = [models.Index(fields=["account", "posted_on"])]


class PaperlessChoice(models.Model):
    """That the customer chose paperless billing: a bill-ready e-mail (no amounts in it) instead of a printed
    bill. Kept in clear, like the bill's total: it says how the utility sends a bill, nothing about the
    customer's life, and the bill-mailing vendor's export must leave these customers out without opening
    anyone's data. Stopping paperless deletes the row."""

    customer = models.OneToOneField(
        "customers.Customer", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()
    channel = models.CharField(max_length=16)
