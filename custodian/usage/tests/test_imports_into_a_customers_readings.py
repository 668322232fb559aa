"""A member of staff imports a Green Button file into one customer's readings only for an open request of
that customer's that their service owns (a complaint about the meter, a file the customer sent in), and the
import's read is theirs: refused without such a request, counted towards their hourly limit under a request
they entered themselves, and held past it. No file, a member of staff's or the customer's own, replaces a
reading held from the utility's meter: each run of such intervals is named and refused, and the meter's
readings stay as they were; a file's readings still replace an earlier file's."""

import io

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from conftest import PAPER_FORM
from custodian.casework.services import request_open
from custodian.testing import espi_layouts as L
from custodian.testing import meter_complaint, own_readings
from custodian.testing.town import LIMIT, town_enrol
from custodian.usage.greenbutton_import import parse_espi, parse_green_button_csv
from custodian.usage.intervals import usage_import, usage_upload_by_customer
from custodian.vault import interval_files
from custodian.vault.gate import Denied, Held, customer_actor, reveal, staff_actor
from custodian.vault.interval_files import month_bounds
from custodian.vault.models import ReadHold
from custodian.vault.services import Submission

UPLOAD = Submission(channel="file_import", notice_key="metering", recorded_by_label="a field technician")


def a_file(start: int, hours: int = 3, wh: int = 99_999_000) -> bytes:
    """Hours of readings from `start` (99,999 kWh each unless told)."""
    return L.feed(*L.one_meter([L.hourly(start, hours, value=lambda i: wh)]))


def staff_import(customer, staff, data: bytes, request_id):
    return usage_import(
        customer_id=customer.pk,
        result=parse_espi(io.BytesIO(data)),
        submission=UPLOAD,
        imported_by=staff,
        request_id=request_id,
    )


def nothing_stored() -> bool:
    return not list(interval_files.store_dir().rglob("*.parquet"))


START = 1_772_000_000 // 3600 * 3600  # late February 2026


def test_no_request_no_import(customer, field_tech):
    with pytest.raises(PermissionDenied, match="open request"):
        staff_import(customer, field_tech, a_file(START), None)
    assert nothing_stored()


def test_a_request_of_another_customer_or_of_another_service_is_refused_and_logged(
    customer, other_customer, field_tech, open_request, console
):
    theirs = meter_complaint(other_customer)
    billings = open_request(customer, "billing").pk
    for request_id in (theirs, billings, 999_999):
        with pytest.raises(Denied):
            staff_import(customer, field_tech, a_file(START), request_id)
    assert nothing_stored()
    # The console's page offers only the customer's own open requests of the importer's service, and a
    # request sent that is not one of them stores nothing.
    page = console(field_tech).get(f"/staff/customers/{customer.pk}/usage-import/").content.decode()
    assert f"#{theirs} " not in page and f"#{billings} " not in page
    mine = meter_complaint(customer)
    assert (
        f"#{mine} "
        in console(field_tech).get(f"/staff/customers/{customer.pk}/usage-import/").content.decode()
    )
    for request_id in ("", theirs):
        response = console(field_tech).post(
            f"/staff/customers/{customer.pk}/usage-import/",
            {"file": SimpleUploadedFile("f.xml", a_file(START)), "request": request_id},
        )
        assert response.status_code == 400
    assert nothing_stored()


def test_the_command_needs_the_request_too(customer, other_customer, field_tech, tmp_path):
    path = tmp_path / "file.xml"
    path.write_bytes(a_file(START))
    args = ["import_green_button", str(path), "--customer", str(customer.pk), "--by", "fiona.field"]
    with pytest.raises(CommandError, match="--request"):
        call_command(*args)
    with pytest.raises(CommandError, match="not an open request"):
        call_command(*args, "--request", str(meter_complaint(other_customer)))
    assert nothing_stored()


@pytest.fixture
def town(db):
    return town_enrol(PAPER_FORM)


def test_an_import_under_a_request_the_importer_entered_is_held_past_the_hourly_limit(field_tech, town):
    # Fiona has read twenty customers' names without a request this hour: the limit.
    for customer in town[:LIMIT]:
        reveal(
            actor=staff_actor(field_tech),
            customer_id=customer.pk,
            fields=["name"],
            purpose="providing_services",
        )
    last = town[LIMIT]
    # A request she opens herself is no one else's word that the customer asked: it counts like no request.
    her_own = request_open(
        customer=last, kind="problem", channel="phone", opened_by=field_tech, owning_service="field_services"
    )
    with pytest.raises(Held):
        staff_import(last, field_tech, a_file(START), her_own.pk)
    assert nothing_stored()
    assert ReadHold.objects.filter(user=field_tech, status=ReadHold.Status.PENDING).exists()
    # A complaint that came in by phone to field services is someone else's word: the import goes ahead.
    summary = staff_import(last, field_tech, a_file(START), meter_complaint(last))
    assert summary.all_stored and summary.readings_stored == 3


def test_the_utilitys_meter_readings_are_not_replaced_by_any_file(metered, field_tech):
    customer, _app, months = metered
    month = months[6]["month"]
    first, after = month_bounds(month)
    before = own_readings(customer, first, after)
    # Three hours of the meter's month, at 99,999 kWh an hour, as a member of staff's file and as the
    # customer's own upload: both refused, each run of held intervals named.
    summary = staff_import(customer, field_tech, a_file(first + 3600), meter_complaint(customer))
    upload = usage_upload_by_customer(
        customer_id=customer.pk,
        result=parse_espi(io.BytesIO(a_file(first + 3600))),
        size=1,
        actor=customer_actor(customer.pk),
    )
    for done in (summary, upload):
        assert (done.readings_stored, done.readings_replaced, done.readings_refused) == (0, 0, 3)
        [problem] = done.problems
        assert "electric readings" in problem.message and "meter readings of these intervals are held" in (
            problem.message
        )
        assert f"{month}-01 01:00" in problem.message and f"{month}-01 04:00" in problem.message
    after_import = own_readings(customer, first, after)
    assert len(after_import) == len(before)
    for held, kept in zip(before, after_import, strict=True):
        assert np.array_equal(held.values, kept.values, equal_nan=True)


def test_a_files_readings_still_replace_an_earlier_files(customer, field_tech):
    staff_import(customer, field_tech, a_file(START, wh=1000), meter_complaint(customer))
    again = staff_import(customer, field_tech, a_file(START, wh=2000), meter_complaint(customer))
    assert again.all_stored and again.readings_replaced == 3
    [block] = own_readings(customer, START, START + 3 * 3600)
    assert np.nansum(block.values) == pytest.approx(6.0)


def test_a_csv_usage_is_written_with_the_digits_0_to_9():
    result = parse_green_button_csv(
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        "Electric usage,2026-03-02,00:00-0600,01:00-0600,1.25,kWh,,\n"
        "Electric usage,2026-03-02,01:00-0600,02:00-0600,٣٠٠,kWh,,\n"  # Arabic-Indic: 300 to float()
        "Electric usage,2026-03-02,02:00-0600,03:00-0600,１００,kWh,,\n"  # full-width digits
        "Electric usage,2026-03-02,03:00-0600,04:00-0600,1_000,kWh,,\n"
        "Electric usage,2026-03-02,04:00-0600,05:00-0600,inf,kWh,,\n"
    )
    assert (result.readings_read, result.readings_refused) == (5, 4)
    assert [p.line for p in result.problems] == [3, 4, 5, 6]
    assert all("digits 0 to 9" in p.message for p in result.problems)
