"""A customer uploads their own Green Button file in the portal: read by the same importer as staff imports,
stored with provenance "customer upload", problems listed by line, partial and bad files answered as such,
nobody else's readings touched."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from custodian.audit.models import AccessEvent
from custodian.testing import espi_layouts as L
from custodian.testing import project_file
from custodian.testing.portal import signed_in
from custodian.vault import interval_files
from custodian.vault.models import Provenance

SAMPLE = "reference/greenbutton/samples/Desert_Single_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_7.xml"


def upload(client, name, content):
    return client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile(name, content)})


def test_a_customer_uploads_their_own_file_marked_as_theirs(households):  # noqa: F811
    (first, app1), (second, _) = households
    client = signed_in(app1, "pat@example.com")
    assert client.get("/portal/me/usage/upload/").status_code == 200
    # A year of hourly readings ending last month: within the period a customer's upload may hold.
    year = L.feed(*L.one_meter([L.hourly((int(time.time()) - 400 * 86400) // 3600 * 3600, 8760)]))
    response = upload(client, "pat-usage.xml", year)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "stored 8760" in response.content.decode()
    held = {row[0] for row in interval_files.block_index()}
    assert held == {first.pk}  # the other household's readings: none written
    provenance = Provenance.objects.filter(channel="file_import").get()
    assert provenance.recorded_by_label == "customer upload" and "pat" not in provenance.note
    merge_read = AccessEvent.objects.filter(action="reveal_intervals", actor_kind="customer").get()
    assert merge_read.customer_id == str(first.pk)
    assert not AccessEvent.objects.filter(customer_id=str(second.pk), actor_kind="customer").exists()


def test_a_partly_stored_file_says_what_was_not_and_a_bad_one_stores_nothing(households):  # noqa: F811
    (_, app1), _ = households
    client = signed_in(app1, "pat@example.com")
    mixed = L.feed(
        *L.one_meter([L.hourly(1767600000, 5)]), *L.one_meter([L.hourly(1767600000, 6)], uom=63, up_n=2)
    )
    response = upload(client, "mixed.xml", mixed)
    page = response.content.decode()
    assert response.status_code == 422 and "6 readings were not stored" in page and "63" in page
    cut = upload(client, "cut.xml", project_file(SAMPLE).read_bytes()[:20_000])
    assert cut.status_code == 400 and "Nothing was stored" in cut.content.decode()
    empty = upload(client, "empty.xml", b"")
    assert empty.status_code == 400


def test_signed_out_no_upload():
    response = Client().post("/portal/me/usage/upload/", {"file": SimpleUploadedFile("x.xml", b"<feed/>")})
    assert response.status_code in (302, 404)
    assert not list(interval_files.store_dir().rglob("*.parquet"))


def test_a_file_larger_than_memory_keeps_is_read_from_its_sealed_scratch_file(households, settings):
    (_, app1), _ = households
    client = signed_in(app1, "pat@example.com")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000  # so this year of readings is sealed on disk as it arrives
    year = L.feed(*L.one_meter([L.hourly((int(time.time()) - 400 * 86400) // 3600 * 3600, 8760)]))
    assert len(year) > 100 * settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    response = upload(client, "pat-usage.xml", year)
    assert response.status_code == 200 and "stored 8760" in response.content.decode()
