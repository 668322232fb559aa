"""Reads of bills and the ledger. A bill's content is opened only through the gate."""

import json
from decimal import Decimal

from django.db.models import Sum

from custodian.billing.models import Bill, LedgerEntry
from custodian.vault import gate

BILL_CATEGORY = "bills"


def bill_document(*, actor, bill: Bill, purpose: str, request_id=None, client_ip: str = "") -> dict:
    """The sealed content of one bill, read through the gate for `purpose` (one access event)."""
    docs = gate.reveal_documents(
        actor=actor,
        customer_id=bill.customer_id,
        category=BILL_CATEGORY,
        ref_prefix=bill.document_ref,
        purpose=purpose,
        request_id=request_id,
        client_ip=client_ip,
    )
    doc = next((d for d in docs if d.ref == bill.document_ref), None)
    if doc is None:
        raise gate.Denied("the bill's document is missing")
    return json.loads(doc.content)


def bills_of_customer(customer_id: int, *, start: str | None = None, end: str | None = None):
    """The customer's current bills (newest first), optionally for cycles start..end (YYYY-MM, inclusive).
    Clear columns only: totals, periods, due dates; the content needs `bill_document`."""
    qs = Bill.objects.filter(customer_id=customer_id, is_current=True)
    if start:
        qs = qs.filter(cycle__gte=start)
    if end:
        qs = qs.filter(cycle__lte=end)
    return qs.select_related("account").order_by("-cycle", "-pk")


def balance(account_ids) -> Decimal:
    return LedgerEntry.objects.filter(account_id__in=list(account_ids)).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0.00")


def ledger_of(account_ids):
    return LedgerEntry.objects.filter(account_id__in=list(account_ids)).order_by("posted_on", "pk")
