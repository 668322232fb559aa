"""The bill-mailing vendor's rows: each customer's bills not yet sent, as the same PDF the portal gives, with
the name and mailing address to print on it. Registered with the disclosure workflow's exports
(`disclosures.exports.export_rows_register`) when the app is ready; the export is a disclosure like any other
(the privacy officer runs it, the vendor needs a current determination, every customer is accounted for).
Customers who chose paperless billing are left out, unless no e-mail address is on file for them (their
bill-ready e-mail could not go: the bill is printed and mailed, so no customer goes without a bill); the
bills in a finished export are marked sent."""

import base64
from datetime import datetime

from custodian.audit.actions import Action
from custodian.billing.bill_pdf import bill_printed
from custodian.billing.content import bill_content_read
from custodian.billing.models import Bill, PaperlessChoice
from custodian.disclosures.exports import ExportRows, export_rows_register
from custodian.policy.loader import current_policy
from custodian.vault.gate import reveal_documents_many
from custodian.vault.selectors import holding_a_value

BILL_MAILING = "bill_mailing"
HEADER = ["customer_ref", "name", "mailing_address", "bill", "cycle", "bill_pdf_base64"]


def _unsent(customer_ids):
    return (
        Bill.objects.filter(customer_id__in=list(customer_ids), is_current=True, notified_at__isnull=True)
        # Paperless with an e-mail address on file: told by e-mail (`billing.notices`), not printed.
        .exclude(
            customer_id__in=PaperlessChoice.objects.filter(customer_id__in=holding_a_value("email")).values(
                "customer_id"
            )
        )
        .order_by("customer_id", "cycle", "pk")
    )


def with_bills_to_mail(customer_ids) -> list[int]:
    """Only customers with a printed bill to send: nobody else's name or address leaves."""
    return sorted(set(_unsent(customer_ids).values_list("customer_id", flat=True)))


def bill_mailing_rows(*, actor, customer_ids, values):
    bills = list(_unsent(customer_ids))
    documents = reveal_documents_many(
        actor=actor,
        refs=[(b.customer_id, b.document_ref) for b in bills],
        category="bills",
        purpose="billing",
        action=Action.VENDOR_EXPORT,
    )
    utility = current_policy().utility
    for b in bills:
        document = documents.get((b.customer_id, b.document_ref))
        if document is None:
            continue
        pdf = bill_printed(bill=b, content=bill_content_read(document.content), utility=utility)
        name = values[b.customer_id].get("name", "")
        address = values[b.customer_id].get("mailing_address", "")
        yield [b.customer_id, name, address, b.pk, b.cycle, base64.b64encode(pdf).decode()]


def bills_mailed(customer_ids: list[int], started_at: datetime) -> None:
    """The export is done: its customers' bills issued before it started are sent."""
    _unsent(customer_ids).filter(created_at__lte=started_at).update(notified_at=started_at)


def register() -> None:
    export_rows_register(
        BILL_MAILING,
        ExportRows(
            header=HEADER,
            eligible=with_bills_to_mail,
            rows=bill_mailing_rows,
            after=bills_mailed,
            row_words=("bill",),
        ),
    )
