"""The disclosure desk offers each vendor only what can go to it: the marketing mailing box only for a vendor
whose function the policy file lets send marketing mail, the export button only for a vendor that receives
an export (never the payment processor or the database host, which receive no personal data in clear, nor
the bank, whose debits go by their own run). The confirmation names a marketing mailing only where there can
be one. A form sent by hand for what the desk does not offer is refused before any confirmation, and the
service refuses it again.

Personas: Priya the privacy officer, a customer."""

import re

import pytest

from custodian.disclosures.exports import ExportRefused, vendor_export_run
from custodian.disclosures.models import VendorExport
from custodian.policy.loader import current_policy
from custodian.testing import vendor_with_determination

DESK = "/staff/privacy/disclosures/"
# Each vendor function of the policy file: whether the desk has an export button for it, and a marketing box.
OFFERED = {
    "mailing": (True, True),
    "database_hosting": (False, False),
    "consumption_reports": (True, False),
    "report_mailing": (True, False),
    "letter_mailing": (True, False),
    "payment_processing": (False, False),
    "ach_origination": (False, False),
    "bill_mailing": (True, False),
}


def test_every_vendor_function_is_in_the_table():
    assert set(current_policy().vendor_functions) == set(OFFERED)


def row_of(html: str, vendor) -> str:
    (row,) = [r for r in re.split(r"<tr>", html) if r.startswith(f"<td>{vendor.name}")]
    return row


@pytest.mark.parametrize("function", OFFERED)
def test_the_desk_offers_what_can_go(function, console, privacy_officer):
    vendor, _ = vendor_with_determination(function=function, officer=privacy_officer)
    row = row_of(console(privacy_officer).get(DESK).content.decode(), vendor)
    exports, marketing = OFFERED[function]
    assert (f"/vendors/{vendor.pk}/export/" in row) is exports
    assert ('name="for_marketing"' in row) is marketing


@pytest.mark.parametrize("function", [f for f, (exports, marketing) in OFFERED.items() if not marketing])
def test_a_forged_marketing_mailing_is_refused_before_it_is_confirmed(
    function, console, privacy_officer, customer
):
    vendor, _ = vendor_with_determination(function=function, officer=privacy_officer)
    url = f"{DESK}vendors/{vendor.pk}/export/"
    for asked in ({"for_marketing": "on"}, {"for_marketing": "on", "confirmed": "1"}):
        answer = console(privacy_officer).post(url, asked, follow=True).content.decode()
        assert "Export refused:" in answer and "Run the export" not in answer
    assert not VendorExport.objects.exists()
    with pytest.raises(ExportRefused):
        vendor_export_run(vendor=vendor, requested_by=privacy_officer, for_marketing=True)


@pytest.mark.parametrize("function", [f for f, (exports, marketing) in OFFERED.items() if not exports])
def test_an_export_the_desk_does_not_offer_is_refused_before_it_is_confirmed(
    function, console, privacy_officer
):
    vendor, _ = vendor_with_determination(function=function, officer=privacy_officer)
    answer = console(privacy_officer).post(f"{DESK}vendors/{vendor.pk}/export/", follow=True).content.decode()
    assert "Export refused:" in answer and "Run the export" not in answer
    assert not VendorExport.objects.exists()


def test_the_confirmation_names_a_marketing_mailing_only_where_there_can_be_one(console, privacy_officer):
    mailer, _ = vendor_with_determination(function="mailing", officer=privacy_officer, name="Acme Mailing")
    reports, _ = vendor_with_determination(
        function="consumption_reports", officer=privacy_officer, name="Usage Insights"
    )
    client = console(privacy_officer)
    marketing = client.post(f"{DESK}vendors/{mailer.pk}/export/", {"for_marketing": "on"}).content.decode()
    assert "Marketing mailing" in marketing and "customers who opted out are left out" in marketing
    usage = client.post(f"{DESK}vendors/{reports.pk}/export/").content.decode()
    assert "Run the export" in usage and "Marketing mailing" not in usage
