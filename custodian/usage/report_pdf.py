"""The neighbour comparison as a one-page letter for mail (US Letter, address in the window of a #10
envelope), drawn with fpdf2: the same figures, scale, cost, chart, months and tips as the portal page, in
the active language.

Text is set in the PDF core font Helvetica, so a report needs no font file on the machine and stays small
(no embedded font in 20,000 letters). Core fonts cover Windows-1252; a character outside it (a name in
Vietnamese, say) is printed without its accent, as US mail addressing does anyway.
"""

import unicodedata
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from custodian.dates import long_date
from custodian.policy.loader import current_policy

INK = (11, 83, 148)
MID = (111, 159, 216)
LIGHT = (185, 211, 240)
# The scale's bands as the portal draws them (efficient dark green with white text, good pale green, more
# than average gold), each also named in words.
BAND_FILL = {"efficient": (0, 136, 23), "good": (227, 245, 225), "more": (255, 227, 150)}
BAND_INK = {"efficient": (255, 255, 255), "good": (27, 27, 27), "more": (27, 27, 27)}


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
    # The core font's own encoding (WinAnsi): `_latin` keeps what cp1252 can write (a dash, curly quotes, the
    # • of masked digits), which fpdf's default latin-1 refuses.
    pdf.core_fonts_encoding = "windows-1252"
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


def _month_label(month: date) -> str:
    """A month under the chart's bars and in the table, in the letter's language: "Nov 2026"."""
    return date_format(month, "M Y")


def _month_name(month: date) -> str:
    """A month in a sentence, in the letter's language: "November 2026", "noviembre de 2026"."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def _kwh(value: float) -> str:
    return number_format(round(value), 0, force_grouping=True)


def _dollars(value) -> str:
    return "$" + number_format(value, 2, force_grouping=True)


def _scale(pdf: FPDF, report: dict, *, y: float) -> float:
    """The three bands side by side, each named and bounded, the customer's outlined and marked beneath
    with their use: readable without colour. Returns the y below it."""
    left, width, height = 54, 168, 30
    latest = report["latest"]
    for i, band in enumerate(report["scale"]):
        x = left + i * width
        pdf.set_fill_color(*BAND_FILL[band["key"]])
        pdf.rect(x, y, width - 2, height, style="F")
        if band["current"]:
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(2)
            pdf.rect(x + 1, y + 1, width - 4, height - 2, style="D")
            pdf.set_line_width(0.2)
        pdf.set_text_color(*BAND_INK[band["key"]])
        pdf.set_font("Helvetica", "B", 9)
        pdf.set_xy(x, y + 3)
        pdf.cell(width - 2, 11, _latin(str(band["label"])), align="C")
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(x, y + 15)
        if band["key"] == "efficient":
            bounds = _("%(high)s kWh or less") % {"high": _kwh(band["high"])}
        elif band["key"] == "good":
            bounds = _("%(low)s to %(high)s kWh") % {"low": _kwh(band["low"]), "high": _kwh(band["high"])}
        else:
            bounds = _("over %(low)s kWh") % {"low": _kwh(band["low"])}
        pdf.cell(width - 2, 10, _latin(bounds), align="C")
        pdf.set_text_color(0, 0, 0)
        if band["current"]:
            pdf.set_font("Helvetica", "B", 9)
            pdf.set_xy(x, y + height + 2)
            marker = _("You: %(you)s kWh") % {"you": _kwh(latest["you"])}
            pdf.cell(width - 2, 11, _latin("^ " + marker), align="C")
    return y + height + 16


def report_pdf(*, utility: dict, name: str, mailing_address: str, report: dict) -> bytes:
    """One letter, in the active language. `report` is custodian.usage.services.comparison_report's result."""
    latest = report["latest"]
    pdf = letter_page(
        utility=utility,
        contact=f"{utility['address']}\n{utility['phone']}",
        title=_("Home energy report %(month)s") % {"month": latest["month"]},
        name=name,
        mailing_address=mailing_address,
    )

    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 16)
    heading = _("Your home energy report for %(month)s") % {"month": _month_name(latest["month_start"])}
    pdf.cell(0, 20, _latin(heading))
    pdf.set_xy(54, 260)
    pdf.set_font("Helvetica", "", 10.5)
    intro = _(
        "You used %(you)s kWh. The %(homes)s similar homes nearby (of your type, size and heating) used "
        "%(average)s kWh on average; the most efficient fifth used %(efficient)s kWh or less. Your rating: "
        "%(rating)s."
    ) % {
        "you": _kwh(latest["you"]),
        "homes": report["homes"],
        "average": _kwh(latest["average"]),
        "efficient": _kwh(latest["efficient"]),
        "rating": latest["rating"],
    }
    pdf.multi_cell(504, 14, _latin(intro), align="L")
    y = _scale(pdf, report, y=pdf.get_y() + 6)

    costs = report.get("costs")
    if costs:
        pdf.set_xy(54, y)
        pdf.set_font("Helvetica", "", 10)
        said = _(
            "At today's electricity rates your use comes to about %(you)s; the average similar home's to "
            "%(average)s and an efficient home's to %(efficient)s (estimates with the customer charge, "
            "adjustment, franchise fee and sales tax)."
        ) % {k: _dollars(costs[k]) for k in ("you", "average", "efficient")}
        pdf.multi_cell(504, 13, _latin(said), align="L")
        y = pdf.get_y() + 4

    # 12-month chart: you, similar homes' average, efficient neighbours.
    rows = report["rows"]
    top = max(max(r["you"], r["average"]) for r in rows) or 1
    height, left = 100, 72
    base_y = y + height + 4
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
        pdf.cell(step, 9, _latin(_month_label(r["month_start"])))
    legend_y = base_y + 16
    legend = ((_("You"), INK), (_("Similar homes"), MID), (_("Efficient neighbours"), LIGHT))
    for i, (label, colour) in enumerate(legend):
        pdf.set_fill_color(*colour)
        pdf.rect(left + i * 150, legend_y, 9, 9, style="F")
        pdf.set_xy(left + i * 150 + 13, legend_y - 1)
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(130, 11, _latin(label))

    y = legend_y + 16
    pdf.set_xy(54, y)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 13, _latin(_("Month by month (kWh)")))
    y += 14
    per_column = -(-len(rows) // 3)
    lines = [
        _latin(
            _("%(month)s: you %(you)s, average %(average)s, efficient %(efficient)s")
            % {
                "month": _month_label(r["month_start"]),
                "you": _kwh(r["you"]),
                "average": _kwh(r["average"]),
                "efficient": _kwh(r["efficient"]),
            }
        )
        for r in rows
    ]
    # Three columns of 168 pt: the type is made smaller when a language's words need it.
    pdf.set_font("Helvetica", "", 7.5)
    widest = max(pdf.get_string_width(line) for line in lines)
    pdf.set_font("Helvetica", "", min(7.5, 7.5 * 164 / widest) if widest else 7.5)
    for i, line in enumerate(lines):
        col, row = divmod(i, per_column)
        pdf.set_xy(54 + col * 168, y + row * 10)
        pdf.cell(168, 10, line)

    _tips(pdf, report["tips"], y + per_column * 10 + 6)

    pdf.set_xy(54, max(pdf.get_y() + 4, 716))
    pdf.set_font("Helvetica", "", 7)
    aggregation = (
        current_policy().aggregation
    )  # the threshold the comparison applies, as the letter states it
    footer = _(
        "How we compare: similar homes are the %(homes)s homes of your type, size and heating near you. We "
        "show a comparison only when at least %(min_homes)s homes can be compared and no single home uses "
        "more than %(max_share)s%% of the group's total, so nobody's use can be singled out. Homes that are "
        "vacant, on an "
        "assistance rate or generate their own power are not compared. This letter was printed and mailed "
        "for us by a mailing vendor that received only your name, mailing address and this report, for this "
        "mailing. See your hourly use and download it (Green Button) in the customer portal. Questions: "
        "%(phone)s."
    ) % {
        "homes": report["homes"],
        "phone": utility["phone"],
        "min_homes": aggregation["min_customers"],
        "max_share": aggregation["max_share_percent"],
    }
    pdf.multi_cell(504, 8.5, _latin(footer), align="L")
    if report.get("services"):
        _other_services(pdf, report["services"])
    return bytes(pdf.output())


def _tips(pdf: FPDF, tips: list[str], y: float) -> float:
    """A service's tips from `y` down; where they end."""
    pdf.set_xy(54, y)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 13, _latin(_("Tips for you")))
    pdf.set_font("Helvetica", "", 8.5)
    pdf.set_y(pdf.get_y() + 14)
    for tip in tips:
        pdf.set_x(54)
        pdf.multi_cell(504, 10.5, _latin("- " + tip), align="L")
        pdf.set_y(pdf.get_y() + 2)
    return pdf.get_y()


def _other_services(pdf: FPDF, services: list[dict]) -> None:
    """A second page: gas and water against the same similar homes, each in its billing unit."""
    pdf.add_page()
    y = 54
    for s in services:
        latest = s["latest"]
        pdf.set_xy(54, y)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 18, _latin(_("%(service)s: how you compare") % {"service": s["name"]}))
        pdf.set_xy(54, y + 24)
        pdf.set_font("Helvetica", "", 10.5)
        intro = _(
            "In %(month)s you used %(you)s %(unit)s. The %(homes)s similar homes nearby used %(average)s "
            "%(unit)s on average; the most efficient fifth used %(efficient)s %(unit)s or less. Your rating: "
            "%(rating)s."
        ) % {
            "month": _month_name(latest["month_start"]),
            "you": _kwh(latest["you"]),
            "unit": s["unit"],
            "homes": s["homes"],
            "average": _kwh(latest["average"]),
            "efficient": _kwh(latest["efficient"]),
            "rating": latest["rating"],
        }
        if s.get("costs"):
            intro += " " + _(
                "At today's rates that comes to about %(you)s; the average similar home's to %(average)s and "
                "an efficient home's to %(efficient)s."
            ) % {k: _dollars(s["costs"][k]) for k in ("you", "average", "efficient")}
        pdf.multi_cell(504, 14, _latin(intro), align="L")
        y = pdf.get_y() + 6
        pdf.set_xy(54, y)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 13, _latin(_("Month by month (%(unit)s)") % {"unit": s["unit"]}))
        y += 14
        rows = s["rows"]
        per_column = -(-len(rows) // 3)
        pdf.set_font("Helvetica", "", 7.5)
        for i, r in enumerate(rows):
            col, row = divmod(i, per_column)
            pdf.set_xy(54 + col * 168, y + row * 10)
            line = _("%(month)s: you %(you)s, average %(average)s, efficient %(efficient)s") % {
                "month": _month_label(r["month_start"]),
                "you": _kwh(r["you"]),
                "average": _kwh(r["average"]),
                "efficient": _kwh(r["efficient"]),
            }
            pdf.cell(168, 10, _latin(line))
        y = _tips(pdf, s["tips"], y + per_column * 10 + 6) + 18
