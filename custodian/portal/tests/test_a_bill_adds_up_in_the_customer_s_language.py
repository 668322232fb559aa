"""A bill the customer can check and read in their language, on its page and in its PDF: each line says its
service; a quantity is in the unit its rate is priced per, so quantity times rate gives the amount; the fee
and the tax are a percent of what they are charged on; usage has its unit, sensibly rounded; the printed bill
carries the account summary (previous balance, payments, this bill, total due, past due) and a replaced bill
says so and names its correction. The ledger speaks the customer's language, and never shows the clerk's
internal reason for a correction. Stored bills are not rewritten: all of it is read from what they hold."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from conftest import PAPER_FORM, application_for
from custodian.billing.models import Bill, LedgerEntry
from custodian.billing.selectors import bill_document
from custodian.billing.services import bill_correct, bill_run, ledger_post
from custodian.customers.choices import Service
from custodian.customers.services import customer_enrol
from custodian.testing.billing import YEAR, usage_document
from custodian.testing.portal import signed_in
from custodian.vault.gate import system_actor
from custodian.vault.services import Submission, personal_data_record

METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
REASON = "clerk note: customer disputed on the phone, internal ticket 4471"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def billed(db):
    """A household with electric, gas and water, billed for September and October, signed in to the portal."""
    app = application_for(
        "Pat Meter", "pat@example.com", "507-555-0100", "0020000888", meter_usage=usage_document(YEAR)
    )
    app.opened_on = date(2025, 1, 1)
    customer = customer_enrol(application=app, submission=PAPER_FORM)
    bill_run(cycle="2026-09", issued_on=date(2026, 10, 1))
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    bill = Bill.objects.get(customer=customer, cycle="2026-10")
    content = bill_document(actor=system_actor("billing_run"), bill=bill, purpose="billing")
    return signed_in(app, "pat@example.com"), customer, bill, content


def test_every_line_says_its_service_and_quantity_times_rate_gives_its_amount(billed):
    client, _, bill, content = billed
    page = client.get(f"/portal/me/bills/{bill.pk}/").content.decode()
    priced = 0
    for line in content["lines"]:
        name = str(Service(line["service"]).label)
        assert f"<td>{name}: " in page
        if line["quantity"] and line["price"]:
            per = 1000 if line["unit"] == "1,000 gal" else 1
            quantity, price = Decimal(line["quantity"]) / per, Decimal(line["price"])
            unit = "thousand gallons" if per == 1000 else {"kWh": "kWh", "therm": "therms"}[line["unit"]]
            assert f"{quantity.normalize():,f} {unit}" in page
            assert (quantity * price).quantize(Decimal("0.01")) == Decimal(line["amount"])
            priced += 1
        if line["description"] in ("City franchise fee", "Minnesota sales tax"):
            # a percent of what it is charged on, not a quantity
            assert re.search(
                rf'<td class="charges__wide"></td><td class="charges__wide">'
                rf"{re.escape(str(Decimal(line['price']).normalize()))}% of \$[\d,]+\.\d\d</td>",
                page,
            )
    assert priced
    water = next(line for line in content["lines"] if line["unit"] == "1,000 gal")
    assert f"${water['price']} per thousand gallons" in page and "1,000 gal" not in page
    for u in content["usage"]:
        unit = {"electric": "kWh", "gas": "therms", "water": "gallons"}[u["service"]]
        places = {"electric": 0, "gas": 1, "water": 0}[u["service"]]
        shown = f"{Decimal(u['quantity']):,.{places}f} {unit}"
        assert f"{Service(u['service']).label}: {shown}" in page


def test_the_spanish_customer_reads_the_page_the_pdf_and_the_ledger_in_spanish(billed):
    client, _, bill, _ = billed
    client.get("/portal/me/?lang=es")
    page = client.get(f"/portal/me/bills/{bill.pk}/").content.decode()
    for spanish in (
        "Cargo fijo",
        "Consumo",
        "Impuesto sobre las ventas de Minnesota",
        "Electricidad",
        "Agua",
    ):
        assert spanish in page
    # a rate per one thousand gallons, and a quantity of them
    assert "por mil galones" in page and "por miles de galones" not in page
    assert re.search(r"[\d.,]+ miles de galones", page)
    for english in (
        "Customer charge",
        "Usage",
        "Minnesota sales tax",
        "City franchise fee",
        ">Electric:",
        ">Water",
    ):
        assert english not in page
    pdf = _text(client.get(f"/portal/me/bills/{bill.pk}/bill.pdf").content)
    for spanish in ("Total a pagar", "Saldo anterior", "Cargo fijo", "Impuesto sobre las ventas", "Vence el"):
        assert spanish in pdf
    for english in ("Amount due", "Customer charge", "Usage", "Due by"):
        assert english not in pdf
    Bill.objects.filter(pk=bill.pk).update(estimated_services="electric,gas,water")
    ledger = client.get("/portal/me/bills/").content.decode()
    assert "estimado: Electricidad, Gas natural, Agua" in ledger and "electric,gas" not in ledger
    assert "Factura de octubre de 2026" in ledger and "Bill for" not in ledger


def test_a_correction_s_internal_reason_is_not_shown_to_the_customer(billed, billing_clerk):
    client, customer, bill, _ = billed
    months = {**YEAR, "2026-10": {**YEAR["2026-10"], "electric": YEAR["2026-10"]["electric"] + 100}}
    personal_data_record(customer=customer, values={"meter_usage": usage_document(months)}, submission=METER)
    new = bill_correct(bill_id=bill.pk, reason=REASON, by=billing_clerk)
    for lang, replaced, corrected in (
        ("en", "Bill for October 2026 replaced by a corrected bill", "Corrected bill for October 2026"),
        (
            "es",
            "Factura de octubre de 2026 reemplazada por una factura corregida",
            "Factura corregida de octubre de 2026",
        ),
    ):
        client.get(f"/portal/me/?lang={lang}")
        pages = [client.get(url).content.decode() for url in ("/portal/me/bills/", "/portal/me/statement/")]
        pages.append(client.get(f"/portal/me/bills/{new.pk}/").content.decode())
        pages.append(_text(client.get(f"/portal/me/bills/{new.pk}/bill.pdf").content))
        assert replaced in pages[0] and corrected in pages[0]
        assert all("internal ticket" not in p and "clerk note" not in p for p in pages)
    # the replaced bill links to its correction; its PDF is marked and names it
    client.get("/portal/me/?lang=en")
    old_page = client.get(f"/portal/me/bills/{bill.pk}/").content.decode()
    assert "replaced by a corrected bill" in old_page and f'href="/portal/me/bills/{new.pk}/"' in old_page
    old_pdf = _text(client.get(f"/portal/me/bills/{bill.pk}/bill.pdf").content)
    assert "REPLACED: do not pay this bill" in old_pdf and f"See corrected bill {new.pk}" in old_pdf
    assert "Total amount due" not in old_pdf


def test_the_printed_bill_carries_the_previous_balance_payments_and_the_total_due(billed):
    client, _, bill, _ = billed
    september = Bill.objects.get(account_id=bill.account_id, cycle="2026-09")
    # $5 posted after the bill was issued: not on it, so every printing of the bill is the same
    for amount, posted_on in (("-10.00", date(2026, 10, 12)), ("-5.00", date(2026, 11, 3))):
        ledger_post(
            account_id=bill.account_id,
            kind=LedgerEntry.Kind.PAYMENT,
            amount=Decimal(amount),
            posted_on=posted_on,
        )
    pdf = _text(client.get(f"/portal/me/bills/{bill.pk}/bill.pdf").content)
    due = september.total - 10 + bill.total
    assert f"Previous balance ${september.total:,.2f}" in pdf
    assert "Payments received since, thank you -$10.00" in pdf
    assert f"This bill's charges ${bill.total:,.2f}" in pdf
    assert f"Total amount due ${due:,.2f}" in pdf and "Total amount due by November 22, 2026" in pdf
    # September's bill was due October 22: what is left of it is past due on November 1
    assert f"Of which past due: please pay it now ${september.total - 10:,.2f}" in pdf
