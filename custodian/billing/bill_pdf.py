"""A bill as a PDF: one US Letter page (more when a bill has many lines), address where a #10 window envelope
shows it, the amount due and due date, usage by service and every charge line with its tariff version.

The PDF is drawn only from the bill's sealed content (`billing.selectors.bill_document`) with fpdf2 in the PDF
core font, and its creation date is the bill's issue date: the same bill gives the same bytes whether the
customer downloads it in the portal or the bill-mailing vendor prints it.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from fpdf import FPDF

from custodian.policy.assistance import energy_assistance_lines
from custodian.usage.report_pdf import _latin

INK = (11, 83, 148)

UNITS = {"electric": "kWh", "gas": "therms", "water": "gallons"}


def _money(value) -> str:
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d:%B} {d.day}, {d.year}"


def bill_pdf(*, utility: dict, content: dict) -> bytes:
    """The bill's PDF, from its sealed content alone."""
    issued = date.fromisoformat(content["issued_on"])
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_creation_date(datetime(issued.year, issued.month, issued.day, tzinfo=UTC))
    pdf.set_auto_page_break(True, margin=54)
    pdf.set_title(_latin(f"Bill for {content['cycle']}"))
    pdf.set_author(_latin(utility["name"]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_text_color(*INK)
    pdf.set_xy(54, 40)
    pdf.cell(0, 16, _latin(utility["name"]))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(54, 56)
    pdf.multi_cell(260, 11, _latin(f"{utility['address']}\n{utility['phone']} - {utility['email']}"))
    # The amount-due box, top right.
    pdf.set_xy(360, 40)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(200, 14, "Amount due " + _money(content["total"]), align="R")
    pdf.set_xy(360, 56)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(200, 12, _latin("Due by " + _day(content["due_on"])), align="R")
    pdf.set_xy(360, 70)
    pdf.cell(200, 12, _latin("Account " + content.get("account_number", "")), align="R")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(72, 140)
    lines = [content.get("name", "")] + [p.strip() for p in content.get("mailing_address", "").split(",", 1)]
    pdf.multi_cell(300, 14, _latin("\n".join(line for line in lines if line)))
    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 12)
    title = f"Bill for service {_day(content['period'][0])} to {_day(content['period'][1])}"
    if content.get("final"):
        title += " (final bill)"
    pdf.multi_cell(504, 16, _latin(title))
    pdf.set_font("Helvetica", "", 10)
    pdf.set_x(54)
    pdf.multi_cell(504, 13, _latin(f"Service address: {content.get('service_address', '')}"))
    if content.get("corrects"):
        pdf.set_x(54)
        pdf.multi_cell(
            504, 13, _latin(f"This bill replaces an earlier bill: {content['corrects'].get('reason', '')}")
        )
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(0, 14, "Usage")
    pdf.ln(14)
    pdf.set_font("Helvetica", "", 10)
    for u in content.get("usage", []):
        pdf.set_x(54)
        note = " (estimated; corrected when the meter is read)" if u.get("estimated") else ""
        pdf.cell(
            0, 13, _latin(f"{u['service'].title()}: {u['quantity']} {UNITS.get(u['service'], '')}{note}")
        )
        pdf.ln(13)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(330, 14, "Charges")
    pdf.cell(80, 14, "Rate", align="R")
    pdf.cell(94, 14, "Amount", align="R")
    pdf.ln(14)
    pdf.set_font("Helvetica", "", 9)
    for line in content.get("lines", []):
        pdf.set_x(54)
        what = line["description"]
        if line.get("quantity") is not None:
            what += f" ({line['quantity']} {line.get('unit', '')})".rstrip()
        pdf.cell(330, 12, _latin(what[:80]))
        pdf.cell(80, 12, _latin(line["price"] or ""), align="R")
        pdf.cell(94, 12, _money(line["amount"]), align="R")
        pdf.ln(12)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(410, 16, "Total of this bill")
    pdf.cell(94, 16, _money(content["total"]), align="R")
    pdf.ln(16)
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_x(54)
    versions = ", ".join(content.get("tariff_versions", []))
    status = content.get("tariff_status", "")
    pdf.multi_cell(
        504,
        10,
        _latin(
            f"Rates: tariff {versions}"
            + (
                " (illustrative figures, to be replaced by the adopted rates)"
                if status == "illustrative"
                else ""
            )
            + ". Pay in the customer portal, by automatic payment, by mail or at our office. Can't pay in "
            "full? Ask us for a payment agreement. From October 1 to April 30, Minnesota's Cold Weather Rule "
            "(Minn. Stat. 216B.097) protects households that qualify and keep a payment agreement from "
            "having their heat disconnected. Energy assistance: "
            + "; ".join(energy_assistance_lines() or ("call us",))
            + "."
        ),
    )
    return bytes(pdf.output())
