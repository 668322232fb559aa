"""A letter as printed: US Letter, the utility's letterhead, the date, the address where a #10 window envelope
shows it, the subject and the text, drawn with fpdf2 in the PDF core font (no font file, a few KB a letter;
characters outside Windows-1252 lose their accents, as US mail addressing does anyway)."""

from datetime import date

from custodian.usage.report_pdf import _latin, letter_page


def letter_pdf(
    *, utility: dict, name: str, mailing_address: str, subject: str, body: str, dated: date
) -> bytes:
    pdf = letter_page(
        utility=utility,
        contact=f"{utility['address']}\n{utility['phone']} - {utility['email']}",
        title=subject,
        name=name,
        mailing_address=mailing_address,
        dated=dated,
        bottom_margin=54,
    )
    pdf.set_xy(54, 236)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(504, 16, _latin(subject))
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_x(54)
    pdf.multi_cell(504, 14, _latin(body.strip()))
    return bytes(pdf.output())
