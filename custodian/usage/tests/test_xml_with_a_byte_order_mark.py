"""An ESPI file as Windows tools save it: UTF-8 with a byte-order mark, or UTF-16 (with its mark), is read as
the XML it is, by a staff import and by a customer's upload alike; a DOCTYPE in such a file is refused as in
any other."""

import codecs
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.testing import espi_layouts as L
from custodian.testing import green_button_command, own_readings
from custodian.testing.portal import signed_in
from custodian.usage.intervals import parse_green_button, series_readings

HOUR = 3600
RECENT = (int(time.time()) - 20 * 86400) // HOUR * HOUR
FEED = L.feed(*L.one_meter([L.hourly(RECENT, 24)])).decode()


def utf16(text: str, codec: str) -> bytes:
    mark = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    return mark + text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(codec)


SAVED_AS = {
    "utf-8 with its mark": codecs.BOM_UTF8 + FEED.encode(),
    "utf-16 little-endian": utf16(FEED, "utf-16-le"),
    "utf-16 big-endian": utf16(FEED, "utf-16-be"),
}


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_staff_import_reads_the_file_as_xml(saved_as, customer, field_tech, tmp_path):
    path = tmp_path / "usage.xml"
    path.write_bytes(SAVED_AS[saved_as])
    green_button_command(path, customer)
    blocks = own_readings(customer, RECENT, RECENT + 24 * HOUR)
    stored = series_readings(blocks, RECENT, RECENT + 24 * HOUR, "electric")
    assert [value for *_, value in stored] == pytest.approx([(1000 + i) / 1000 for i in range(24)])


def test_a_customer_uploads_a_file_with_a_byte_order_mark(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    for content in SAVED_AS.values():
        response = client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile("usage.xml", content)})
        page = response.content.decode()
        assert response.status_code == 200 and "stored 24" in page, page[:2000]
        assert "missing columns" not in page and "neither XML" not in page


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_doctype_is_refused_in_utf_16_too(codec):
    hostile = FEED.replace("\n<feed", '\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">]>\n<feed', 1)
    result = parse_green_button(io.BytesIO(utf16(hostile, codec)))
    assert not result.complete and not result.readings
    assert "DOCTYPE is not allowed" in result.problems[0].message
