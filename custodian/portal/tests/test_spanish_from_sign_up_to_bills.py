"""A Spanish-speaking customer reads Spanish from signing up to their bills: dates in Spanish order ("22 de
diciembre de 2026", never "diciembre 22, 2026"), the menu named in Spanish, the sign-up's e-mails in the
language they signed up in, to both addresses, and the pages a form sends them on to (sign-in after a
confirmed sign-up or a reset asked for) still in Spanish. And the sign-up page's notice says what its form
asks: all four fields are needed."""

import re
from datetime import date
from pathlib import Path

from django.core import mail
from django.test import Client
from django.utils import timezone

from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.dates import long_date
from custodian.outbox.services import message_render
from custodian.portal.forms import EnrolForm
from custodian.testing.portal import PASSWORD, last_kwh, signed_in
from custodian.web.languages import _with_language

MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
SPANISH_DATE = re.compile(rf"\b\d{{1,2}} de (?:{MONTHS_ES}) de \d{{4}}\b")
ENGLISH_ORDER = re.compile(rf"\b(?:{MONTHS_ES}) \d{{1,2}}, \d{{4}}\b", re.IGNORECASE)


def _enrol(client, app, email, lang="es"):
    return client.post(
        f"/portal/enrol/?lang={lang}",
        {
            "account_number": app.personal["account_number"],
            "last_electric_kwh": last_kwh(app),
            "email": email,
            "password": PASSWORD,
        },
    )


def test_the_home_page_writes_its_dates_in_spanish_order(households):
    assert bill_run(cycle="2026-10") == 2
    (customer, app), _ = households
    client = signed_in(app, "ana@example.com")
    page = client.get("/portal/me/?lang=es").content.decode()
    due = re.search(r"Vence el ([^<]+)<", page)
    assert due and SPANISH_DATE.match(due.group(1)), due and due.group(1)
    assert not ENGLISH_ORDER.search(page)
    assert "Menú de Mi cuenta" in page and "My account" not in page


def test_the_contact_page_in_spanish_names_no_english_hours_nor_a_notices_key(db):
    page = Client().get("/contact/?lang=es").content.decode()
    assert "(de lunes a viernes, de 08:00 a 16:30)" in page
    assert "Monday" not in page and "a.m." not in page
    assert "Aviso contact_form" not in page and "Versión 2026.1 de este aviso." in page
    english = Client().get("/contact/?lang=en").content.decode()
    assert "(Monday–Friday, 8 a.m.–4:30 p.m.)" in english and "Version 2026.1 of this notice." in english


def test_a_spanish_sign_up_writes_both_e_mails_in_spanish_and_stays_in_spanish(households):
    (customer, app), _ = households
    on_file = app.personal["email"]
    client = Client()
    assert _enrol(client, app, "ana.nueva@example.org").status_code == 200
    to_file = next(m for m in mail.outbox if m.to == [on_file])
    to_given = next(m for m in mail.outbox if m.to == ["ana.nueva@example.org"])
    assert to_file.subject == "Alguien se registró en Mi cuenta con su cuenta de servicios públicos"
    assert to_given.subject == "Termine de registrarse en Mi cuenta"
    # The link opens in Spanish, and confirming lands on a Spanish sign-in form.
    link = re.search(r"http://testserver(/portal/confirm/\S+)", to_file.body).group(1)
    assert "lang=es" in link
    assert '<html lang="es"' in client.get(link).content.decode()
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and "lang=es" in confirmed.url
    sign_in = client.get(confirmed.url).content.decode()
    assert 'lang="es"' in sign_in and "Contraseña" in sign_in and ">Password<" not in sign_in


def test_asking_for_a_reset_in_spanish_lands_on_a_spanish_sign_in(households):
    (customer, app), _ = households
    signed_in(app, "ana@example.com")
    mail.outbox.clear()
    client = Client()
    asked = client.post("/portal/password/?lang=es", {"email": "ana@example.com"})
    assert asked.status_code == 302 and "lang=es" in asked.url
    page = client.get(asked.url).content.decode()
    assert 'lang="es"' in page and "Contraseña" in page
    (reset,) = mail.outbox
    assert "lang=es" in reset.body


def test_a_redirect_off_the_site_is_left_as_it_is(db):
    assert _with_language("https://elsewhere.example/x", "es", "testserver") == "https://elsewhere.example/x"
    assert _with_language("//elsewhere.example/x", "es", "testserver") == "//elsewhere.example/x"
    assert _with_language("/portal/?next=/a", "es", "testserver") == "/portal/?next=%2Fa&lang=es"
    assert _with_language("/portal/?lang=en", "es", "testserver") == "/portal/?lang=en"


def test_the_sign_up_notice_says_every_field_is_needed_as_the_form_asks(db):
    for lang, needed, not_said in (
        ("en", "All four are required to sign up", "If you leave a field empty"),
        ("es", "Los cuatro datos son obligatorios para registrarse", "Si deja un campo vacío"),
    ):
        page = Client().get(f"/portal/enrol/?lang={lang}").content.decode()
        assert needed in page and not_said not in page
    assert all(field.required for field in EnrolForm().fields.values())


def test_no_portal_or_public_page_writes_a_date_in_an_english_pattern():
    """A date is written with a format named for the language (DATE_FORMAT, YEAR_MONTH_FORMAT,
    MONTH_DAY_FORMAT) or a pattern translated with the page (`_("M j")`), never a pattern of English order:
    a month's or a day's name alone, and ISO dates, read the same in every language."""
    root = Path(__file__).resolve().parents[2]
    templates = [*(root / "portal" / "templates" / "portal").rglob("*.html"), *(root / "web").rglob("*.html")]
    neutral = re.compile(r"[A-Z_]+_FORMAT|[YmdHis:\- ]+|[FMNDlbE]")
    found = [
        f"{path.relative_to(root)}: {pattern}"
        for path in templates
        for pattern in re.findall(r'\|date:"([^"]*)"', path.read_text())
        if not neutral.fullmatch(pattern)
    ]
    assert not found, found


# A day or a month as machines write it ("2026-10", "2026-11-28"): never in what a customer reads.
ISO = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
# A month's short name as Django's Spanish writes some of them ("Ene.", "Feb.", "Oct"): Spanish writes its
# months in lowercase ("ene.", "oct.").
SPANISH_CAPITAL_MONTH = re.compile(r"\b(?:Ene|Feb|Abr|Jun|Jul|Ago|Sept?|Oct|Nov|Dic)\b")
# What a reader reads of a tag: its words for people, not its links, form values or machine attributes.
READ_ATTRIBUTES = re.compile(r'\s(?:title|alt|aria-label|placeholder)="([^"]*)"')
CUSTOMER_PAGES = (
    "/portal/me/",
    "/portal/me/bills/",
    "/portal/me/statement/",
    "/portal/me/statement/?month=2026-10",
    "/portal/me/who-has-seen-my-data/",
    "/portal/me/who-we-gave-it-to/",
    "/portal/me/connected-apps/",
    "/portal/me/consents/",
    "/portal/me/requests/",
    "/portal/me/messages/",
    "/portal/me/moving/",
    "/portal/me/usage/",
    "/portal/me/comparison/",
    "/portal/me/security/",
    "/",
    "/privacy/",
    "/privacy/incidents/",
    "/privacy/inventory/",
    "/privacy/rights/",
    "/privacy/versions/",
    "/privacy/report/",
)


def _read(page: str) -> str:
    """The page as a customer reads it: text and the words of its tags for people; no scripts, styles, links,
    form values or machine-readable attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL)
    return re.sub(r"<[^>]*>", lambda tag: " ".join(READ_ATTRIBUTES.findall(tag[0])) or " ", page)


def test_no_customer_page_writes_a_day_or_a_month_as_machines_do(households):
    """Every day, month and time a customer reads is written by the language's named formats ("October
    2026", "octubre de 2026"), never "2026-10" or "2026-11-28": on the main portal pages, a bill's own page
    and the public pages, in English and in Spanish."""
    assert bill_run(cycle="2026-10") == 2
    (customer, app), _ = households
    client = signed_in(app, "ana@example.com")
    bill = Bill.objects.get(customer=customer, cycle="2026-10")
    found = []
    for lang in ("en", "es"):
        for url in (*CUSTOMER_PAGES, f"/portal/me/bills/{bill.pk}/"):
            response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert response.status_code == 200, url
            found += [f"{lang} {url}: {iso}" for iso in ISO.findall(_read(response.content.decode()))]
    assert not found, found
    bill_page = client.get(f"/portal/me/bills/{bill.pk}/?lang=es").content.decode()
    bills = _read(client.get("/portal/me/bills/?lang=es").content.decode())
    assert re.search(r"\d{1,2} de oct\. de 2026", bills) and not SPANISH_CAPITAL_MONTH.search(bills), bills
    assert "Factura de octubre de 2026" in bill_page and SPANISH_DATE.search(_read(bill_page))
    assert "Bill for October 2026" in client.get(f"/portal/me/bills/{bill.pk}/?lang=en").content.decode()


def test_who_has_seen_my_data_tells_the_time_in_the_utility_s_time_zone(households):
    (customer, app), _ = households
    client = signed_in(app, "ana@example.com")
    client.get("/portal/me/bills/")  # a read of the customer's data, told on the page
    page = _read(client.get("/portal/me/who-has-seen-my-data/?lang=en").content.decode())
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [ap]\.m\. C[SD]T", page), page
    page = _read(client.get("/portal/me/who-has-seen-my-data/?lang=es").content.decode())
    assert re.search(rf"{SPANISH_DATE.pattern} a las \d{{2}}:\d{{2}} C[SD]T", page), page


def test_the_month_under_way_is_told_as_owed_today_dated_today(households):
    (customer, app), _ = households
    client = signed_in(app, "ana@example.com")
    page = _read(client.get("/portal/me/statement/?lang=en").content.decode())
    today = long_date(timezone.localdate())
    assert f"{today} Owed today" in " ".join(page.split()) and "Owed at the end of the month" not in page


def test_bill_and_past_due_letters_name_the_month_in_the_reader_s_language():
    context = {"cycle": "2026-10", "due_on": date(2026, 11, 21), "portal": "https://x/", "utility": "U"}
    for lang, month in (("en", "October 2026"), ("es", "octubre de 2026")):
        for template in ("bill_ready", "past_due"):
            rendered = message_render(template=template, context=context, language=lang)
            text = f"{rendered.subject}\n{rendered.body}"
            assert month in text and not ISO.search(text.replace("https://x/", "")), (lang, template, text)
