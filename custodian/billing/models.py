"""Bills, bill runs and the ledger.

A bill's content (name, addresses, usage by service, every line) is personal data and lives sealed in the
vault (`vault.SealedDocument`, category `bills`), read through the gate. In clear are what accounting and
collections work from without opening anyone's data, like a general ledger: internal ids, the cycle and
period, the tariff version, the total and due date, and each ledger entry's amount.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from custodian.background import Run
from custodian.billing.choices import DepositReason

CENT = Decimal("0.01")


def cents(value) -> Decimal:
    """A sum of amounts, to the cent. SQLite adds decimals as floating point (a paid-up account can sum to
    5.7e-13), so every sum read from the database is rounded to the cent before it is compared or shown."""
    return Decimal(value or 0).quantize(CENT)


class BillRun(Run):
    """One run of the billing job for a cycle: its progress is what the console shows."""

    cycle = models.CharField(max_length=7)  # YYYY-MM
    bills_issued = models.PositiveIntegerField(default=0)


class Bill(models.Model):
    """One account's bill for one cycle. Never edited: a correction is a re-bill that supersedes it, with
    its reason; the superseded bill stays, marked."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="bills")
    # Indexed by (customer, cycle) below, which serves every read by customer.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cycle = models.CharField(max_length=7)
    period_start = models.DateField()
    period_end = models.DateField()
    issued_on = models.DateField()
    due_on = models.DateField()
    # A correction that asks more than the bill it replaced: the day its increase is due (`billing.arrears`);
    # what was asked before keeps `due_on`. Empty on every other bill.
    increase_due_on = models.DateField(null=True, blank=True)
    tariff_versions = models.CharField(max_length=60)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    estimated_services = models.CharField(
        max_length=40, blank=True, help_text="services billed on an estimate"
    )
    final = models.BooleanField(default=False, help_text="the account closed in this cycle")
    document_ref = models.CharField(max_length=80, unique=True)
    content_sha256 = models.CharField(max_length=64)
    # Not indexed: nothing reads bills by their run, and a run's thousands of bills each had an index entry.
    run = models.ForeignKey(
        BillRun, null=True, blank=True, on_delete=models.PROTECT, related_name="bills", db_index=False
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    rebill_reason = models.CharField(max_length=300, blank=True)
    # Empty on nearly every bill: indexed only where set (below), not an index entry per bill for nothing.
    rebilled_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_current = models.BooleanField(default=True)
    trued_up_in = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="true_ups", db_index=False
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
        indexes = [
            models.Index(fields=["customer", "cycle"]),
            models.Index(
                fields=["rebilled_by"], condition=Q(rebilled_by__isnull=False), name="bill_rebilled_by_set"
            ),
            models.Index(
                fields=["trued_up_in"], condition=Q(trued_up_in__isnull=False), name="bill_trued_up_in_set"
            ),
        ]

    def __str__(self):
        return f"Bill {self.pk} ({self.cycle})"


class LedgerEntry(models.Model):
    """What an account owes and has paid: positive amounts are owed (charges, late fees, a credit refunded),
    negative amounts reduce what is owed (payments, credits, a deposit returned against the final bill).
    Append-only: a mistake is reversed by another entry. A deposit while it is asked for or held is not on the
    ledger (`Deposit`): it has its own due date, and the balance stays what the bills and payments make it."""

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Bill")
        REBILL_CREDIT = "rebill_credit", _("Credit for a corrected bill")
        PAYMENT = "payment", _("Payment")
        PAYMENT_REVERSAL = "payment_reversal", _("Returned payment")
        ADJUSTMENT = "adjustment", _("Adjustment")
        DEPOSIT = "deposit", _("Deposit returned")
        LATE_FEE = "late_fee", _("Late payment charge")
        # A late payment charge taken back: a payment received on time was recorded after it was charged.
        LATE_FEE_REVERSAL = "late_fee_reversal", _("Late payment charge reversed")
        REFUND = "refund", _("Refund of a credit")
        BUDGET = "budget", _("Budget billing: the month's difference carried")
        BUDGET_TRUE_UP = "budget_true_up", _("Budget billing: the year's difference settled")
        DEPOSIT_INTEREST = "deposit_interest", _("Interest on the deposit")

    # Indexed by (account, posted_on), which serves every read by account.
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="ledger", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    posted_on = models.DateField()
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField(max_length=80, blank=True)
    memo = models.CharField(max_length=200, blank=True)
    # The late payment charge a reversal takes back (one reversal per charge: never twice).
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
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
            # A late payment charge's reversal names the charge it takes back; no other entry names one.
            models.CheckConstraint(
                condition=Q(kind="late_fee_reversal", reverses__isnull=False)
                | (~Q(kind="late_fee_reversal") & Q(reverses__isnull=True)),
                name="a_late_fee_reversal_names_its_charge",
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


class AccountRecord(models.Model):
    """What an account's deposit, refund or budget plan is kept under: the account, and the account's
    customer, by whom the customer's records are read (`billing.records`) and their changes logged."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Deposit(AccountRecord):
    """A deposit the utility asks of an account as security for its bills: owed by its own due date, outside
    the ledger's balance (so a deposit not yet paid never makes a bill look past due, nor draws a late
    fee), held once paid, and returned against the final bill when service stops (a ledger entry), any
    credit left then refunded. In clear like the ledger's amounts: an amount, dates and a reason from a
    fixed list, nothing about the customer's life."""

    Reason = DepositReason

    class Status(models.TextChoices):
        REQUIRED = "required", "Asked for"
        HELD = "held", "Paid and held"
        RETURNED = "returned", "Returned"
        RELEASED = "released", "No longer asked for"

    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUIRED)
    asked_on = models.DateField()
    due_on = models.DateField()
    asked_by = models.ForeignKey("auth.User", null=True, on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(null=True, blank=True)
    paid_reference = models.CharField(max_length=40, blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="returned or released")
    interest_through = models.DateField(
        null=True, blank=True, help_text="the last day whose interest is credited on the ledger"
    )
    returned_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="deposit_returned"
    )

    class Meta:
        constraints = [
            # One deposit asked for or held per account at a time.
            models.UniqueConstraint(
                fields=["account"], condition=Q(status__in=["required", "held"]), name="one_open_deposit"
            )
        ]


class Refund(AccountRecord):
    """A credit left on an account after its final bill (a deposit returned, an overpayment), paid back to
    the customer by check: the ledger's refund entry brings the balance to zero; the check's number is
    recorded when it is sent."""

    class Status(models.TextChoices):
        TO_SEND = "to_send", "To send"
        SENT = "sent", "Sent"

    final_bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="refund")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="refund")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TO_SEND)
    issued_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    check_number = models.CharField(max_length=20, blank=True)
    sent_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class BudgetPlan(AccountRecord):
    """Budget (levelized) billing: the account owes the same amount each month, the average of its last
    twelve bills, while each bill still bills the month's use. The month's difference is carried on the
    ledger (a `budget` entry on each bill, referenced `budget/<plan>`); at the plan's true-up month and at
    the final bill the carried difference is settled (`budget_true_up`) and the amount is set again from the
    year's bills. Stopped, a difference the customer owes waits for the account's next bill (`stopped`), one
    in their favour is credited at once (`billing.budget`). Amounts and months only, in clear, like the
    ledger."""

    class Status(models.TextChoices):
        ACTIVE = "active", "On budget billing"
        STOPPED = "stopped", "Stopped: the difference owed goes on the next bill"
        ENDED = "ended", "Ended"

    monthly_amount = models.DecimalField(max_digits=10, decimal_places=2)
    first_cycle = models.CharField(max_length=7, help_text="the first bill billed at the level amount")
    true_up_cycle = models.CharField(max_length=7, help_text="the bill that settles the year's difference")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    started_by = models.CharField(max_length=150, help_text="the customer, or the member of staff")
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="active"), name="one_active_budget_plan"
            )
        ]

    @property
    def reference(self) -> str:
        return f"budget/{self.pk}"
