"""Bill-ready notices: an e-mail without amounts to customers who chose paperless billing (their address read
through the gate as the bill-notices job), and for everyone else the printed bill through the bill-mailing
vendor's export: the same PDF as the portal's, paperless customers left out, each bill sent once."""

import base64
import json

import pytest
from django.core import mail

from custodian.audit.models import AccessEvent
from custodian.billing.bill_pdf import bill_printed
from custodian.billing.mailing import BILL_MAILING
from custodian.billing.models import Bill
from custodian.billing.notices import bill_notices_send, paperless_set
from custodian.billing.selectors import bill_document
from custodian.billing.services import bill_run
from custodian.disclosures.exports import NothingToSend, export_dir, vendor_export_run
from custodian.disclosures.models import DisclosureEntry, VendorExport
from custodian.policy.loader import current_policy
from custodian.testing import export_rows, vendor_with_determination
from custodian.testing.billing import YEAR, household
from custodian.vault.gate import system_actor

CYCLE = "2026-10"


@pytest.fixture
def town(db):
    homes = [household(f"Ostby {i}", f"00500000{i:02d}", YEAR) for i in range(3)]
    bill_run(cycle=CYCLE)
    return homes


@pytest.fixture
def printer(privacy_officer):
    return vendor_with_determination(
        function=BILL_MAILING, officer=privacy_officer, name="Prairie Print & Mail", days=365
    )


def test_paperless_customers_get_an_email_without_amounts_once(town):
    paperless_set(customer_id=town[0].pk, paperless=True, channel="portal")
    report = bill_notices_send(cycle=CYCLE)
    assert (report.emailed, report.no_address) == (1, 0)
    (message,) = mail.outbox
    bill = Bill.objects.get(customer=town[0], cycle=CYCLE)
    assert "$" not in message.body and str(bill.total) not in message.body
    assert "/portal/me/bills/" in message.body
    event = AccessEvent.objects.filter(action="bill_notice").get()
    assert (event.actor_id, event.purpose, event.customer_id) == (
        "bill_notices",
        "contacting_customers",
        str(town[0].pk),
    )
    assert bill_notices_send(cycle=CYCLE).emailed == 0 and len(mail.outbox) == 1


def test_printed_bills_go_to_the_mailing_vendor_as_the_portals_pdf(town, printer, privacy_officer):
    vendor, private = printer
    paperless_set(customer_id=town[0].pk, paperless=True, channel="portal")
    export = vendor_export_run(vendor=vendor, requested_by=privacy_officer)
    rows = export_rows(export, private)
    assert list(rows[0]) == [
        "customer_ref",
        "name",
        "mailing_address",
        "bill",
        "cycle",
        "bill_pdf_base64",
        "statement_of_disagreement",
    ]
    sent = {int(r["customer_ref"]) for r in rows}
    assert sent == {town[1].pk, town[2].pk}  # the paperless customer is left out
    bill = Bill.objects.get(pk=int(rows[0]["bill"]))
    content = bill_document(actor=system_actor("billing_run"), bill=bill, purpose="billing")
    printed = base64.b64decode(rows[0]["bill_pdf_base64"])
    assert printed == bill_printed(bill=bill, content=content, utility=current_policy().utility)
    accounted = DisclosureEntry.objects.filter(recipient_name=vendor.name).values_list(
        "customer_id", flat=True
    )
    assert set(accounted) == sent
    assert Bill.objects.filter(customer_id__in=sent, notified_at__isnull=False).count() == 2
    # Run again, nothing is left to send: no second export.
    with pytest.raises(NothingToSend, match="every bill is sent already"):
        vendor_export_run(vendor=vendor, requested_by=privacy_officer)
    assert VendorExport.objects.filter(vendor=vendor).count() == 1
    assert json.loads((export_dir() / f"{export.file_name}.manifest.json").read_text())["rows"] == 2
