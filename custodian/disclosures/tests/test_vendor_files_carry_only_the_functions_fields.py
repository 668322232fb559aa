"""What leaves in a vendor's file is what its function needs, projected field by field, never a stored
document passed on whole: a customer whose meter usage holds every kind of thing it can (months of totals,
reads entered at the desk, reads imported from a file) is in each vendor's file without a meter number, a
read's index or anything beyond the function's fields. The consumption-report vendor's pseudonym stays one: a
meter number is unique to its premise and printed on the meter and the bill."""

import base64
import io
import json

import pytest
from pypdf import PdfReader

from custodian.billing.services import bill_run
from custodian.customers.models import ServicePoint
from custodian.disclosures.exports import PEER_GROUP_COLUMN, STATEMENT_COLUMN, export_dir, vendor_export_run
from custodian.disclosures.vendor_forms import METER_USAGE_WORDS, monthly_totals
from custodian.testing import export_rows, export_text, make_vendor, meter_usage_document
from custodian.testing.neighbours import group_stored
from custodian.testing.register_reads import DESK, FILED, meter_read_everywhere
from custodian.vault.export_crypto import new_vendor_keypair


@pytest.fixture
def home(households, field_tech):
    """The second household, compared with 18 neighbours, its first meter read twice at the desk and twice
    from a route's file, and billed for October: its usage document holds months and reads of both kinds."""
    _, (customer, app) = households
    group_stored(customer, app, electric=19)
    point = meter_read_everywhere(customer, by=field_tech)
    held = meter_usage_document(customer)
    assert [r["index"] for r in held[point.service]["reads"]] == [i for _, i in DESK + FILED]
    bill_run(cycle="2026-10")
    meters = list(
        ServicePoint.objects.filter(premise_id=point.premise_id).values_list("meter_number", flat=True)
    )
    return customer, meters, held


def _pdf_text(encoded: str) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(base64.b64decode(encoded))).pages)


def _nothing_of_the_meter(text: str, meters) -> None:
    for meter in meters:
        assert meter not in text
    for _, index in DESK + FILED:
        assert index not in text
    assert '"reads"' not in text and '"index"' not in text and '"meter"' not in text


def _exported(function, officer, customer, **given):
    keys = new_vendor_keypair()
    vendor = make_vendor(function, keys, officer)
    export = vendor_export_run(vendor=vendor, requested_by=officer, customer_ids=[customer.pk], **given)
    return export, keys[0]


def test_the_consumption_report_vendor_gets_the_monthly_totals_only(home, privacy_officer):
    customer, meters, held = home
    export, key = _exported("consumption_reports", privacy_officer, customer)
    _nothing_of_the_meter(export_text(export, key), meters)
    [row] = export_rows(export, key)
    assert set(row) == {"pseudonym", "meter_usage", PEER_GROUP_COLUMN, STATEMENT_COLUMN}
    usage = json.loads(row["meter_usage"])
    assert usage == json.loads(monthly_totals(json.dumps(held)))
    assert set(usage) == set(held)
    for service, series in usage.items():
        assert set(series) == {"unit", "months"}
        assert [(m["month"], m["total"]) for m in series["months"]] == [
            (m["month"], m["total"]) for m in held[service]["months"]
        ]
        assert all(set(m) == {"month", "total"} for m in series["months"])
    manifest = json.loads((export_dir() / f"{export.file_name}.manifest.json").read_text())
    assert manifest["meter_usage"] == METER_USAGE_WORDS


@pytest.mark.parametrize(
    ("function", "given", "columns", "pdf"),
    [
        (
            "mailing",
            {"mailing": "The winter rates notice"},
            {"customer_ref", "name", "mailing_address"},
            None,
        ),
        (
            "report_mailing",
            {},
            {"customer_ref", "name", "mailing_address", "report_month", "report_pdf_base64"},
            "report_pdf_base64",
        ),
        (
            "bill_mailing",
            {},
            {"customer_ref", "name", "mailing_address", "bill", "cycle", "bill_pdf_base64"},
            "bill_pdf_base64",
        ),
    ],
)
def test_no_other_vendor_gets_a_meter_number_or_a_read(home, privacy_officer, function, given, columns, pdf):
    customer, meters, _ = home
    export, key = _exported(function, privacy_officer, customer, **given)
    _nothing_of_the_meter(export_text(export, key), meters)
    rows = export_rows(export, key)
    assert rows and all(set(r) == columns | {STATEMENT_COLUMN} for r in rows)
    for row in rows:
        if pdf:
            _nothing_of_the_meter(_pdf_text(row[pdf]), meters)
