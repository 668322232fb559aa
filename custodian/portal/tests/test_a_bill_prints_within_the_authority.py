"""A bill holds, beside its charges and the usage billed (the bills), the customer's name, mailing and service
address and account number: its PDF is the letter the mailing vendor prints with all of them, its page shows
the service address. Rosa Reyes, acting for a customer under an authority that covers the bills, reads every
bill on its page and in its PDF; what it holds that her authority leaves out (the service address, the
mailing address) is left out of both, and each says so in the words the letters and the download use for
what they leave out, never "no such bill". Without the bills she is told that her authority does not cover
them, as before; Pat, the customer herself, reads the whole bill."""

import io
from dataclasses import replace

from pypdf import PdfReader

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.testing import power_of_attorney
from custodian.testing.portal import acting_for, categories_but, households, signed_in  # noqa: F401 (a fixture)

CYCLE = "2026-10"


def _rosa(customer, service_rep, privacy_officer, *left_out):
    """Rosa under an authority leaving out `left_out`, from a sign-in of its own (an address of its own)."""
    authority = power_of_attorney(customer, ("view",), categories_but(*left_out))
    authority = replace(authority, email=f"rosa.{'.'.join(left_out) or 'all'}@example.org")
    return acting_for(customer, service_rep, privacy_officer, authority)[1]


def _text(pdf) -> str:
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", pdf.content[:300]
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)


def _bill(households):  # noqa: F811
    assert bill_run(cycle=CYCLE) == 2
    (customer, app), _ = households
    bill = Bill.objects.get(customer=customer, cycle=CYCLE)
    return customer, app, f"/portal/me/bills/{bill.pk}/", f"/portal/me/bills/{bill.pk}/bill.pdf"


def test_without_the_service_address_she_reads_the_bill_without_it(
    households,  # noqa: F811
    service_rep,
    privacy_officer,
):
    customer, app, page, pdf = _bill(households)
    address, name = app.personal["service_address"], app.personal["name"]
    said = f"Your authority to act for {name} does not cover service address."

    pat = signed_in(app, "pat@example.com")
    whole = pat.get(page).content.decode()
    assert address in whole and "does not cover" not in whole
    assert f"Service address: {address}" in _text(pat.get(pdf))

    rosa = _rosa(customer, service_rep, privacy_officer, "service_address")
    answer = rosa.get(page)
    shown = answer.content.decode()
    assert answer.status_code == 200, shown
    assert "Total of this bill" in shown and said in shown
    assert address not in shown and "Service address" not in shown.split("<main", 1)[1]
    printed = _text(rosa.get(pdf))
    assert said in printed and "Service address:" not in printed
    assert app.personal["mailing_address"].split(",")[0] in printed  # her authority covers that one


def test_without_the_mailing_address_the_pdf_leaves_it_out(households, service_rep, privacy_officer):  # noqa: F811
    customer, app, page, pdf = _bill(households)
    street = app.personal["mailing_address"].split(",")[0]
    rosa = _rosa(customer, service_rep, privacy_officer, "mailing_address")
    assert rosa.get(page).status_code == 200  # the bill's page shows no mailing address
    printed = _text(rosa.get(pdf))
    assert "does not cover mailing address." in printed and "Service address:" in printed
    if street not in app.personal["service_address"]:
        assert street not in printed

    covered = _rosa(customer, service_rep, privacy_officer)
    printed = _text(covered.get(pdf))
    assert street in printed and "does not cover" not in printed


def test_without_the_bills_she_is_told_so_as_before(households, service_rep, privacy_officer):  # noqa: F811
    customer, _, page, pdf = _bill(households)
    rosa = _rosa(customer, service_rep, privacy_officer, "bills")
    for path in (page, pdf):
        answer = rosa.get(path)
        assert answer.status_code == 403 and "does not cover bills." in answer.content.decode(), path
