"""A bill as a PDF: one US Letter page (more when a bill has many lines), address where a #10 window envelope
shows it, the account summary (the previous balance, payments since, this bill's charges, the total amount
due and what of it is past due) and due date, usage by service with its unit, and every charge line under
its service with its quantity in the unit of its rate, taxes and fees as a percent of what they are charged
on, and its tariff version; a replaced bill is marked so, naming the bill that replaced it, and a correction
that asked more says when its increase is due.

Written in the customer's language (`bill_printed`: the language they chose, the same file whether they
download it in the portal or the bill-mailing vendor prints it). The PDF is drawn from the bill's sealed
content (`billing.selectors.bill_document`) and the ledger as of the bill's issue date (`billing.summary`),
with fpdf2 in the PDF core font, and its creation date is the bill's issue date: the same bill gives the
same bytes each time it is printed.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from custodian.billing.models import Bill
from custodian.billing.presentation import bill_shown
from custodian.billing.selectors import replacing_bill
from custodian.billing.summary import BillSummary, bill_summary
from custodian.customers.selectors import languages_of
from custodian.dates import month_words
from custodian.policy.assistance import energy_assistance_lines
from custodian.usage.report_pdf import _latin

INK = (11, 83, 148)


def _money(value) -> str:
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""  # the core font has no minus sign
    return f"{sign}${abs(amount):,.2f}"


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    english = (translation.get_language() or "en").startswith("en")
    return date_format(d, "F j, Y" if english else "DATE_FORMAT")


def bill_printed(*, bill: Bill, content: dict, utility: dict, not_covered=None) -> bytes:
    """The bill as printed, in its customer's language, with the account summary as of its issue date and,
    for a bill since replaced, the mark naming the bill that replaced it. A representative's copy is drawn
    from the content their authority covers (`content.bill_within`), and `not_covered` gives the words
    saying what it leaves out, asked in the bill's language."""
    language = languages_of([bill.customer_id])[bill.customer_id]
    with translation.override(language):
        return bill_pdf(
            utility=utility,
            content=content,
            summary=bill_summary(bill),
            replaced_by=None if bill.is_current else replacing_bill(bill),
            not_covered=not_covered() if not_covered else "",
        )


def bill_pdf(
    *,
    utility: dict,
    content: dict,
    summary: BillSummary | None = None,
    replaced_by: Bill | None = None,
    not_covered: str = "",
) -> bytes:
    """The bill's PDF, in the active language, from its sealed content and its account summary; a part of
    the content left out (a representative's copy) is not printed, and `not_covered` says so under the
    bill's title."""
    shown = bill_shown(content)
    issued = date.fromisoformat(content["issued_on"])
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_creation_date(datetime(issued.year, issued.month, issued.day, tzinfo=UTC))
    pdf.set_auto_page_break(True, margin=54)
    pdf.set_title(_latin(_("Bill for %(cycle)s") % {"cycle": month_words(content["cycle"])}))
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
    # The amount-due box, top right: what is owed in all, or that this bill was replaced.
    due = summary.amount_due if summary is not None else Decimal(content["total"])
    pdf.set_xy(330, 40)
    pdf.set_font("Helvetica", "B", 11)
    if replaced_by is not None:
        pdf.set_text_color(170, 0, 0)
        pdf.cell(230, 14, _latin(_("REPLACED: do not pay this bill")), align="R")
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(330, 56)
        pdf.set_font("Helvetica", "", 10)
        if replaced_by is not None:
            pdf.cell(
                230, 12, _latin(_("See corrected bill %(number)s") % {"number": replaced_by.pk}), align="R"
            )
    else:
        pdf.cell(
            230, 14, _latin(_("Total amount due %(amount)s") % {"amount": _money(max(due, 0))}), align="R"
        )
        pdf.set_xy(330, 56)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(230, 12, _latin(_("Due by %(day)s") % {"day": _day(content["due_on"])}), align="R")
    y = 70
    if replaced_by is None:
        for day, amount in _increases(content):
            pdf.set_xy(330, y)
            pdf.cell(230, 12, _latin(_increase_words(day, amount)), align="R")
            y += 14
    if "account_number" in content:
        pdf.set_xy(330, y)
        pdf.cell(230, 12, _latin(_("Account %(number)s") % {"number": content["account_number"]}), align="R")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(72, 140)
    lines = [content.get("name", "")] + [p.strip() for p in content.get("mailing_address", "").split(",", 1)]
    pdf.multi_cell(300, 14, _latin("\n".join(line for line in lines if line)))
    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 12)
    title = _("Bill for service %(start)s to %(end)s") % {
        "start": _day(content["period"][0]),
        "end": _day(content["period"][1]),
    }
    if content.get("final"):
        title += " (" + _("final bill") + ")"
    pdf.multi_cell(504, 16, _latin(title))
    pdf.set_font("Helvetica", "", 10)
    if "service_address" in content:
        pdf.set_x(54)
        address = _("Service address: %(address)s") % {"address": content["service_address"]}
        pdf.multi_cell(504, 13, _latin(address))
    if not_covered:
        pdf.set_x(54)
        pdf.multi_cell(504, 13, _latin(not_covered))
    if content.get("corrects"):
        # The clerk's reason is for staff: the customer is told the bill was corrected, not the internal note.
        pdf.set_x(54)
        pdf.multi_cell(504, 13, _latin(_("This bill corrects an earlier bill for the same month.")))
    if summary is not None and replaced_by is None:  # a replaced bill asks for nothing: its correction does
        _summary(pdf, summary, content)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(0, 14, _latin(_("Usage")))
    pdf.ln(14)
    pdf.set_font("Helvetica", "", 10)
    for u in shown["usage"]:
        pdf.set_x(54)
        note = (
            " (" + _("estimated; corrected on a later bill when the meter is read") + ")"
            if u.estimated
            else ""
        )
        pdf.cell(0, 13, _latin(f"{u.name}: {u.quantity}{note}"))
        pdf.ln(13)
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_x(54)
    pdf.cell(200, 14, _latin(_("Charge")))
    pdf.cell(120, 14, _latin(_("Quantity")), align="R")
    pdf.cell(114, 14, _latin(_("Rate")), align="R")
    pdf.cell(70, 14, _latin(_("Amount")), align="R")
    pdf.ln(14)
    for service in shown["services"]:
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_x(54)
        pdf.cell(504, 12, _latin(service.name))
        pdf.ln(12)
        pdf.set_font("Helvetica", "", 8)
        for line in service.lines:
            pdf.set_x(62)
            pdf.cell(192, 11, _latin(f"{service.name}: {line.what}"[:60]))
            pdf.cell(120, 11, _latin(line.quantity), align="R")
            pdf.cell(114, 11, _latin(line.rate), align="R")
            pdf.cell(70, 11, _money(line.amount), align="R")
            pdf.ln(11)
        pdf.set_font("Helvetica", "I", 8)
        pdf.set_x(62)
        pdf.cell(426, 11, _latin(_("Total for %(service)s") % {"service": service.name}))
        pdf.cell(70, 11, _money(service.total), align="R")
        pdf.ln(13)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(434, 16, _latin(_("Total of this bill")))
    pdf.cell(70, 16, _money(content["total"]), align="R")
    pdf.ln(16)
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_x(54)
    versions = ", ".join(content.get("tariff_versions", []))
    status = content.get("tariff_status", "")
    rates = _("Rates: tariff %(versions)s") % {"versions": versions}
    if status == "illustrative":
        rates += " (" + _("illustrative figures, to be replaced by the adopted rates") + ")"
    pdf.multi_cell(
        504,
        10,
        _latin(
            rates
            + ". "
            + _(
                "Pay in the customer portal, by automatic payment, by mail or at our office. Can't pay in "
                "full? Ask us for a payment agreement. From October 1 to April 30, Minnesota's Cold Weather "
                "Rule (Minn. Stat. 216B.097) protects households that qualify and keep a payment agreement "
                "from having their heat disconnected. Energy assistance: %(assistance)s."
            )
            % {"assistance": "; ".join(energy_assistance_lines() or (_("call us"),))}
        ),
    )
    return bytes(pdf.output())


def _increases(content: dict) -> list[tuple[str, str]]:
    """A correction that asked more: each part of the month due after the bill's due date, (day, amount)
    (`billing.arrears.correction_due`); none on every other bill."""
    return [(day, amount) for day, amount in content.get("due_parts", [])[1:]]


def _increase_words(day: str, amount: str) -> str:
    return _("%(amount)s of it due by %(day)s: this correction's increase") % {
        "amount": _money(amount),
        "day": _day(day),
    }


def _summary(pdf: FPDF, summary: BillSummary, content: dict) -> None:
    """The account summary: from the previous bill's balance to the total amount due."""
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    pdf.cell(0, 14, _latin(_("Account summary")))
    pdf.ln(14)
    rows = [
        (_("Previous balance"), summary.previous_balance),
        (_("Payments received since, thank you"), summary.payments),
    ]
    if summary.other:
        rows.append((_("Other charges and credits since (late fees, corrections)"), summary.other))
    rows.append((_("This bill's charges"), summary.this_bill))
    for label, amount in rows:
        pdf.set_font("Helvetica", "", 10)
        pdf.set_x(54)
        pdf.cell(330, 13, _latin(label))
        pdf.cell(80, 13, _money(amount), align="R")
        pdf.ln(13)
    pdf.set_font("Helvetica", "B", 10)
    pdf.set_x(54)
    owed = _("Total amount due by %(day)s") % {"day": _day(content["due_on"])}
    pdf.cell(330, 14, _latin(owed))
    pdf.cell(80, 14, _money(summary.amount_due), align="R")
    pdf.ln(14)
    for day, amount in _increases(content):
        pdf.set_x(54)
        pdf.cell(
            330, 13, _latin(_("Of which this correction's increase, due by %(day)s") % {"day": _day(day)})
        )
        pdf.cell(80, 13, _money(amount), align="R")
        pdf.ln(13)
    if summary.past_due > 0:
        pdf.set_x(54)
        pdf.cell(330, 13, _latin(_("Of which past due: please pay it now")))
        pdf.cell(80, 13, _money(summary.past_due), align="R")
        pdf.ln(13)
