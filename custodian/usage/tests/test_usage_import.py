"""Green Button files into the interval store: uploaded by staff in the console or given to a command;
problems listed by line, an incomplete or hostile file stores nothing, a re-run changes nothing."""

import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from custodian.audit.events import CHANGE_ACTIONS
from custodian.audit.models import AccessEvent
from custodian.testing import espi_layouts as L
from custodian.testing import green_button_command, meter_complaint, project_file
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import series_readings, usage_import
from custodian.vault import interval_files
from custodian.vault.gate import reveal_intervals
from custodian.vault.interval_files import month_bounds
from custodian.vault.models import Provenance
from custodian.vault.services import Submission

SAMPLE = "reference/greenbutton/samples/Desert_Single_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_7.xml"
# A month of hourly readings ending a week ago: within the period interval readings are kept (the sample's
# 2011 readings are past it and refused).
RECENT_MONTH = L.feed(*L.one_meter([L.hourly((int(time.time()) - 37 * 86400) // 3600 * 3600, 30 * 24)]))


def upload(client, customer, name, content, request_id=None):
    """The console's import of a file into the customer's readings, for their open complaint about the
    meter (a new one unless `request_id` names another)."""
    return client.post(
        f"/staff/customers/{customer.pk}/usage-import/",
        {
            "file": SimpleUploadedFile(name, content),
            "request": request_id if request_id is not None else meter_complaint(customer),
        },
    )


def test_a_field_technician_imports_a_file_and_sees_what_was_stored(console, field_tech, customer):
    response = upload(console(field_tech), customer, "desert.xml", RECENT_MONTH)
    page = response.content.decode()
    assert response.status_code == 200 and "interval readings stored in" in page
    assert list(interval_files.store_dir().rglob("*.parquet"))
    # The import's read is the technician's own, under the request, as any of their reads is.
    merge_read = AccessEvent.objects.filter(action="reveal_intervals", actor_id=str(field_tech.pk)).get()
    assert (merge_read.customer_id, merge_read.decision) == (str(customer.pk), "allow")
    assert merge_read.actor_kind == "staff" and merge_read.request_id


def test_a_marketer_cannot_import_and_gets_the_common_answer(console, marketer, customer):
    response = upload(console(marketer), customer, "desert.xml", project_file(SAMPLE).read_bytes())
    assert response.status_code == 404
    assert not list(interval_files.store_dir().rglob("*.parquet"))


@pytest.mark.parametrize(
    "content, message",
    [
        (project_file(SAMPLE).read_bytes()[:20_000], "Nothing was stored"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><feed>&lol;</feed>',
            "Nothing was stored",
        ),
        (b"\xff\xfe\x00\xd8garbage", "does not read as UTF-16 text to its end"),
        (b"", "The submitted file is empty."),
    ],
)
def test_bad_files_are_named_and_store_nothing(console, field_tech, customer, content, message):
    response = upload(console(field_tech), customer, "bad.xml", content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not list(interval_files.store_dir().rglob("*.parquet"))


def test_the_command_imports_csv_and_reports_problems_by_line(customer, field_tech, tmp_path, capsys):
    csv_file = tmp_path / "usage.csv"
    csv_file.write_text(
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        "Electric usage,2026-03-02,00:00-0600,01:00-0600,1.25,kWh,,\n"
        "Electric usage,2026-03-02,01:00-0600,02:00-0600,0.75,kWh,,\n"
        "Electric usage,2026-03-02,02:00-0600,03:00-0600,lots,kWh,,\n"
    )
    # The good rows are stored; the command still fails, since one reading was not.
    with pytest.raises(CommandError, match="1 of 3 readings was not stored"):
        green_button_command(str(csv_file), customer)
    captured = capsys.readouterr()
    assert "2 readings stored in 1 monthly block (2026-03)" in captured.out
    assert "refused 1" in captured.out
    assert "line 4:" in captured.err
    with pytest.raises(CommandError, match="no customer"):
        call_command(
            "import_green_button",
            str(csv_file),
            "--customer",
            "999999",
            "--request",
            "1",
            "--by",
            "fiona.field",
        )
    with pytest.raises(CommandError, match="cannot read"):
        green_button_command(str(tmp_path / "missing.xml"), customer)


def test_the_uploaded_file_name_is_not_kept_in_clear(console, field_tech, customer):
    upload(console(field_tech), customer, "alice-anderson-usage.xml", RECENT_MONTH)
    notes = list(Provenance.objects.filter(channel="file_import").values_list("note", "recorded_by_label"))
    assert notes and all("alice" not in note.lower() for note, _ in notes)


def test_readings_off_the_grid_keep_their_own_times_and_a_wrong_unit_is_refused(
    customer, field_tech, as_customer
):
    start = month_bounds("2026-05")[0]
    readings = [Reading("up", "mr", start + 3600 * i, 3600, 500.0, "Wh", 1) for i in range(48)]
    readings += [Reading("up", "mr", start + 3600 * i + 900, 3600, 250.0, "Wh", 1) for i in range(60, 70)]
    readings += [Reading("up", "mr2", start + 3600 * i, 3600, 5.0, "gal", 1) for i in range(5)]
    result = ImportResult(readings=readings, usage_points={"up": "electric"})
    summary = usage_import(
        customer_id=customer.pk,
        result=result,
        submission=Submission(channel="file_import", notice_key="metering", recorded_by_label="test"),
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )
    assert (summary.readings_read, summary.readings_stored, summary.readings_refused) == (63, 58, 5)
    assert not summary.all_stored
    assert [p.message for p in summary.problems] == [
        "5 readings in gal on the electric usage point: not a unit Custodian holds for electric; refused",
    ]
    blocks = reveal_intervals(
        actor=as_customer(customer),
        customer_id=customer.pk,
        purpose="providing_services",
        start=start,
        end=month_bounds("2026-05")[1],
    )
    held = series_readings(blocks, start, start + 31 * 86400, "electric")
    assert len(held) == 58 and sum(v for _, _, v in held) == pytest.approx(48 * 0.5 + 10 * 0.25)
    assert {b.service for b in blocks} == {"electric", "electric~periods"}


def test_only_staff_who_provide_services_import_and_the_import_names_them(
    customer, field_tech, dba, billing_clerk, tmp_path, capsys
):
    start = month_bounds("2026-05")[0]
    result = ImportResult(
        readings=[Reading("up", "mr", start, 3600, 500.0, "Wh", 1)], usage_points={"up": "electric"}
    )
    submission = Submission(channel="file_import", notice_key="metering", recorded_by_label="test")
    for who in (dba, billing_clerk, None):
        with pytest.raises(PermissionDenied):
            usage_import(
                customer_id=customer.pk,
                result=result,
                submission=submission,
                imported_by=who,
                request_id=meter_complaint(customer),
            )
    assert not AccessEvent.objects.exclude(action__in=CHANGE_ACTIONS).exists() and not list(
        interval_files.store_dir().rglob("*.parquet")
    )
    csv_file = tmp_path / "usage.csv"
    csv_file.write_text(
        "TYPE,DATE,START TIME,END TIME,USAGE,UNITS,COST,NOTES\n"
        "Electric usage,2026-03-02,00:00-0600,01:00-0600,1.25,kWh,,\n"
    )
    with pytest.raises(CommandError, match="ivan.it"):
        green_button_command(str(csv_file), customer, by="ivan.it")
    green_button_command(str(csv_file), customer)
    event = AccessEvent.objects.exclude(action__in=CHANGE_ACTIONS).get()
    assert (event.actor_kind, event.actor_label, event.purpose) == (
        "staff",
        "fiona.field",
        "providing_services",
    )


@pytest.mark.parametrize(
    "change",
    [
        (b"<start>1293872400</start>", b"<start>0</start>"),
        (b"<start>1293872400</start>", b"<start>-100000000</start>"),
        (b"<start>1293872400</start>", b"<start>99999999999999</start>"),
        (b"<powerOfTenMultiplier>0<", b"<powerOfTenMultiplier>99999<"),
        (b"<value>", b"<ReadingQuality><quality>99999999999999999999</quality></ReadingQuality><value>"),
    ],
    ids=["start at 1970", "start before 1970", "start past 2999", "power of ten", "quality"],
)
def test_a_file_with_values_out_of_range_is_answered_not_a_500(console, field_tech, customer, change):
    content = project_file(SAMPLE).read_bytes()
    assert change[0] in content
    response = upload(console(field_tech), customer, "odd.xml", content.replace(*change, 1))
    assert response.status_code in (200, 400, 422)  # 422: read, and some of it not stored, each named
