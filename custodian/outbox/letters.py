"""A letter as printed: US Letter, the utility's letterhead, the date, the address where a #10 window envelope
shows it, the subject and the text, drawn with fpdf2 in the PDF core font (no font file, a few KB a letter;
characters outside Windows-1252 lose their accents, as US mail addressing does anyway)."""

from datetime import date

from fpdf import FPDF

from custodian.usage.report_pdf import _latin


def letter_pdf(
    *, utility: dict, name: str, mailing_address: str, subject: str, body: str, dated: date
) -> bytes:
    pdf = FPDF(format="letter", unit="pt")
    pdf.set_auto_page_break(True, margin=54)
    pdf.set_title(_latin(subject))
    pdf.set_author(_latin(utility["name"]))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.set_xy(54, 40)
    pdf.cell(0, 16, _latin(utility["name"]))
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(54, 56)
    pdf.multi_cell(260, 11, _latin(f"{utility['address']}\n{utility['phone']} - {utility['email']}"))
    pdf.set_xy(400, 56)
    pdf.cell(0, 11, f"{dated:%B} {dated.day}, {dated.year}")
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(72, 140)
    lines = [name] + [part.strip() for part in mailing_address.split(",", 1)]
    pdf.multi_cell(300, 14, _latin("\n".join(line for line in lines if line)))
    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(504, 16, _latin(subject))
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_x(54)
    pdf.multi_cell(504, 14, _latin(body.strip()))
    return bytes(pdf.output())
