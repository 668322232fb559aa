"""The neighbour comparison as a one-page letter for mail (US Letter, address in the window of a #10
envelope), drawn with fpdf2: the same figures, chart, rating and tip as the portal page.

Text is set in the PDF core font Helvetica, so a report needs no font file on the machine and stays small
(no embedded font in 20,000 letters). Core fonts cover Windows-1252; a character outside it (a name in
Vietnamese, say) is printed without its accent, as US mail addressing does anyway.
"""

import unicodedata
from datetime import date

from fpdf import FPDF

from custodian.dates import long_date

INK = (11, 83, 148)
MID = (111, 159, 216)
LIGHT = (185, 211, 240)


def _latin(text: str) -> str:
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", text)
        return (
            "".join(c for c in plain if not unicodedata.combining(c))
            .encode("cp1252", "replace")
            .decode("cp1252")
        )


def letter_page(
    *,
    utility: dict,
    contact: str,
    title: str,
    name: str,
    mailing_address: str,
    dated: date | None = None,
    bottom_margin: int | None = None,
) -> FPDF:
    """A US Letter page begun as every letter of the utility is: its letterhead with `contact` under the name,
    the date when given, and the recipient where a #10 window envelope shows it. `bottom_margin` turns on
    page breaks (a letter of any length); without it the page is laid out by hand (the energy report)."""
    pdf = FPDF(format="letter", unit="pt")
    if bottom_margin is None:
        pdf.set_auto_page_break(False)
    else:
        pdf.set_auto_page_break(True, margin=bottom_margin)
    pdf.set_title(_latin(title))
    pdf.set_author(_latin(utility["name"]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_xy(54, 40)
    pdf.cell(0, 16, _latin(utility["name"]))
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(54, 56)
    pdf.multi_cell(260, 11, _latin(contact))
    if dated is not None:
        pdf.set_xy(400, 56)
        pdf.cell(0, 11, _latin(long_date(dated)))  # in the letter's language
    # Recipient block where a #10 window envelope shows it.
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(72, 140)
    lines = [name] + [part.strip() for part in mailing_address.split(",", 1)]
    pdf.multi_cell(300, 14, _latin("\n".join(line for line in lines if line)))
    return pdf


def _month_label(month: str) -> str:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(month[5:]) - 1]} {month[2:4]}"


def _month_name(month: str) -> str:
    names = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return f"{names[int(month[5:]) - 1]} {month[:4]}"


def report_pdf(*, utility: dict, name: str, mailing_address: str, report: dict) -> bytes:
    """One letter. `report` is custodian.usage.services.comparison_report's result."""
    pdf = letter_page(
        utility=utility,
        contact=f"{utility['address']}\n{utility['phone']}",
        title=f"Home energy report {report['latest']['month']}",
        name=name,
        mailing_address=mailing_address,
    )

    latest = report["latest"]
    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 20, f"Your home energy report for {_month_name(latest['month'])}")
    pdf.set_xy(54, 262)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        504,
        15,
        align="L",
        text=f"You used {latest['you']:.0f} kWh. {latest['homes']} similar homes nearby (same type, size and "
        f"heating) used {latest['average']:.0f} kWh on average; the most efficient fifth used "
        f"{latest['efficient']:.0f} kWh or less. Your rating: {latest['rating']}.",
    )

    # 12-month chart: you, similar homes' average, efficient neighbours.
    rows = report["rows"]
    top = max(max(r["you"], r["average"]) for r in rows) or 1
    base_y, height, left = 470, 150, 72
    step = min(40, 468 / max(len(rows), 1))
    for i, r in enumerate(rows):
        x = left + i * step
        for offset, value, colour in (
            (0, r["you"], INK),
            (10, r["average"], MID),
            (20, r["efficient"], LIGHT),
        ):
            h = height * value / top
            pdf.set_fill_color(*colour)
            pdf.rect(x + offset, base_y - h, 9, h, style="F")
        pdf.set_font("Helvetica", "", 7)
        pdf.set_xy(x - 2, base_y + 3)
        pdf.cell(step, 9, _month_label(r["month"]))
    legend_y = base_y + 20
    for i, (label, colour) in enumerate(
        (("You", INK), ("Similar homes", MID), ("Efficient neighbours", LIGHT))
    ):
        pdf.set_fill_color(*colour)
        pdf.rect(left + i * 150, legend_y, 9, 9, style="F")
        pdf.set_xy(left + i * 150 + 13, legend_y - 1)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(130, 11, label)

    pdf.set_xy(54, 520)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 14, "Month by month (kWh)")
    pdf.set_font("Helvetica", "", 8)
    y = 538
    for i, r in enumerate(rows):
        col, row = divmod(i, 6)
        pdf.set_xy(54 + col * 252, y + row * 12)
        pdf.cell(
            252,
            12,
            f"{_month_label(r['month'])}: you {r['you']:.0f}, average {r['average']:.0f}, "
            f"efficient {r['efficient']:.0f}",
        )

    pdf.set_xy(54, 622)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 14, "A tip for you")
    pdf.set_xy(54, 638)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(504, 13, _latin(report["tip"]), align="L")

    pdf.set_xy(54, 700)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.multi_cell(
        504,
        9.5,
        align="L",
        text=_latin(
            "How we compare: similar homes are about 100 homes of your type, size and heating near you. We "
            "show a comparison only when at least 15 homes can be compared and no single home uses more "
            "than 15% of the group's total, so nobody's use can be singled out. Homes that are vacant, on "
            "an assistance rate or generate their own power are not compared. This letter was printed and "
            f"mailed for us by a mailing vendor that received only your name, mailing address and this "
            f"report, for this mailing. See your hourly use and download it (Green Button) in the customer "
            f"portal. Questions: {utility['phone']}."
        ),
    )
    return bytes(pdf.output())
