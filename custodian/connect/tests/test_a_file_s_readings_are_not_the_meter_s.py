"""Readings from a Green Button file are not the utility's meter's. Pat, a customer, holds a day of the
utility's meter readings last month, uploads her own Green Button file for a day of the month before, and a
field technician imported a file for a day of the month before that (her complaint about the meter);
Sunny Solar, a third party she authorised through Connect My Data, receives the meter's day and neither
file's, as the bill bills the meter's alone, and is told of no new data when she uploads; her own Download
My Data holds all three days and marks each reading from a file (ReadingQuality 16, said in words in the
feed and in the CSV's NOTES), none of the meter's."""

import csv
import io
from datetime import timedelta

from django.utils import timezone
from lxml import etree

from custodian.connect.models import Authorization, Notification
from custodian.connect.tests.test_client_credentials import customer_token
from custodian.connect.tests.test_connect_my_data import approved_third_party, fetch, schema  # noqa: F401
from custodian.testing import meter_complaint
from custodian.testing.portal import signed_in
from custodian.usage.espi import FILE_WORDS, QUALITY_FROM_A_FILE
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import upload_bounds, usage_import, usage_upload_by_customer
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import month_bounds, month_of
from custodian.vault.services import Submission

ESPI = "{http://naesb.org/espi}"
ATOM = "{http://www.w3.org/2005/Atom}"
METER_WH, PATS_WH, TECHS_WH = 500, 900, 700
METER = Submission(channel="meter", notice_key="metering", recorded_by_label="metering system")
TECHS_FILE = Submission(channel="file_import", notice_key="metering", recorded_by_label="a field technician")


def a_day(month: str, wh: float) -> ImportResult:
    start = month_bounds(month)[0]
    readings = [Reading("up", "mr", start + 3600 * i, 3600, wh, "Wh", 1) for i in range(24)]
    return ImportResult(readings=readings, usage_points={"up": "electric"})


def months() -> tuple[str, str, str]:
    """Last month (the meter's readings), the month before (Pat's upload) and the one before that (the
    technician's file)."""
    last = month_of(int((timezone.now() - timedelta(days=40)).timestamp()))
    before = month_of(month_bounds(last)[0] - 86400)
    return last, before, month_of(month_bounds(before)[0] - 86400)


def imported(pat, field_tech, month, wh, submission):
    summary = usage_import(
        customer_id=pat.pk,
        result=a_day(month, wh),
        submission=submission,
        imported_by=field_tech,
        request_id=meter_complaint(pat),
    )
    assert summary.readings_stored == 24, summary.problems


def pats_upload(pat, month):
    actor = customer_actor(pat.pk)
    assert upload_bounds(fetched_by=actor, customer_id=pat.pk)  # within what her upload may hold
    summary = usage_upload_by_customer(customer_id=pat.pk, result=a_day(month, PATS_WH), size=1, actor=actor)
    assert summary.readings_stored == 24, summary.problems


def readings(feed) -> dict[int, list[int]]:
    """Each value of the feed's readings → the ReadingQuality codes each reading of that value carries."""
    out: dict[int, list[int]] = {}
    for reading in feed.getroot().iter(f"{ESPI}IntervalReading"):
        codes = [int(q.text) for q in reading.iter(f"{ESPI}quality")]
        out.setdefault(int(reading.findtext(f"{ESPI}value")), []).extend(codes or [0])
    return out


def test_a_third_party_gets_the_meter_s_readings_and_the_customer_every_file_s_marked(
    households,  # noqa: F811
    privacy_officer,
    field_tech,
    schema,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (pat, pat_app), _ = households
    meter_month, pats_month, techs_month = months()
    imported(pat, field_tech, meter_month, METER_WH, METER)
    imported(pat, field_tech, techs_month, TECHS_WH, TECHS_FILE)
    client_id, secret = approved_third_party(privacy_officer)
    access = customer_token(pat_app, "pat@example.com", client_id, secret)
    authorization = Authorization.objects.get()
    authorization.third_party.notify_uri = "https://sunny.example.org/notify"
    authorization.third_party.save(update_fields=["notify_uri"])

    with django_capture_on_commit_callbacks(execute=False):
        pats_upload(pat, pats_month)
    assert not Notification.objects.exists()  # nothing new of Sunny's to fetch

    batch = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}")
    assert batch.status_code == 200, batch.content[:500]
    feed = etree.parse(io.BytesIO(batch.content))
    schema.assertValid(feed)
    assert readings(feed) == {METER_WH: [0] * 24}  # the meter's day, unmarked; no file's
    assert FILE_WORDS.encode() not in batch.content

    # Pat's own download: the three days, each file's reading marked, the meter's not; and what 16 means.
    client = signed_in(pat_app, "pat@example.com")
    download = client.get("/portal/me/green-button.xml")  # the last 13 months
    assert download.status_code == 200, download.content[:500]
    mine = etree.parse(io.BytesIO(download.content))
    schema.assertValid(mine)
    marked = [QUALITY_FROM_A_FILE] * 24
    assert readings(mine) == {METER_WH: [0] * 24, PATS_WH: marked, TECHS_WH: marked}
    titles = [t.text for t in mine.getroot().iter(f"{ATOM}title")]
    for month in (pats_month, techs_month):
        assert any(t.endswith(f": {month} ({FILE_WORDS})") for t in titles)  # a file's month's block
    assert any(t.endswith(f": {meter_month}") for t in titles)  # the meter's, as it always was
    assert any("reading type" in t and f"ReadingQuality {QUALITY_FROM_A_FILE}" in t for t in titles)

    table = client.get("/portal/me/green-button.csv")
    assert table.status_code == 200
    rows = [r for r in csv.reader(io.StringIO(table.content.decode())) if r and not r[0].startswith("#")]
    notes = {(float(r[4]), r[7]) for r in rows[1:]}
    assert notes == {(METER_WH, ""), (PATS_WH, FILE_WORDS), (TECHS_WH, FILE_WORDS)}
