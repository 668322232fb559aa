"""The bill-mailing vendor's export holds a row a bill: a customer with two bills not yet mailed has two rows,
but is one customer. The command says how many bills for how many customers, and the accounting of
disclosures and the disclosure request count each customer once; an export of one row a customer still
says customers only.

Personas: Priya, the privacy officer, running the export to Prairie Print & Mail; three homes in Ostby, each
with September's and October's bills to mail."""

import io

from django.core.management import call_command

from custodian.billing.mailing import BILL_MAILING
from custodian.disclosures.models import DisclosureEntry, DisclosureRequest, VendorExport
from custodian.testing import vendor_with_determination


def exported(vendor) -> str:
    out = io.StringIO()
    call_command("vendor_export", "--vendor", str(vendor.pk), "--by", "priya.privacy", stdout=out)
    return out.getvalue()


def test_six_bills_for_three_customers(town, privacy_officer):
    vendor, _ = vendor_with_determination(
        function=BILL_MAILING, officer=privacy_officer, name="Prairie Print & Mail", days=365
    )
    said = exported(vendor)
    assert "done: 6 bills for 3 customers," in said
    export = VendorExport.objects.get()
    assert export.rows == 6
    entries = DisclosureEntry.objects.filter(recipient_name=vendor.name)
    assert sorted(entries.values_list("customer_id", flat=True)) == sorted(h.pk for h in town)
    assert DisclosureRequest.objects.get(outcome="disclosed").customer_count == 3


def test_one_row_a_customer_says_customers(town, privacy_officer):
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer)
    out = io.StringIO()
    call_command(
        "vendor_export",
        "--vendor",
        str(vendor.pk),
        "--by",
        "priya.privacy",
        "--mailing",
        "A planned outage notice",
        "--customers",
        str(town[0].pk),
        stdout=out,
    )
    assert "done: 1 customer," in out.getvalue()
