"""An uploaded file is personal data: never on disk in clear. A small file stays in memory; a larger one is
sealed into a nameless scratch file block by block as it arrives and read back through the same object (no
file in the temporary directory as Django's default handlers write past 2.5 MB); a file past the upload limit
is cut where it is received and refused by its form, naming the limit."""

import os

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import resolve

from custodian import bounds
from custodian.vault.uploads import BLOCK, SealedSpool

UPLOAD_PAGE = "/portal/me/usage/upload/"  # a page that takes a file


class OneFile(forms.Form):
    file = bounds.FileField(max_bytes=2_000, too_large="The file is larger than 2 kB.")


def received(content: bytes, name="usage.xml"):
    request = RequestFactory().post(UPLOAD_PAGE, {"file": SimpleUploadedFile(name, content)})
    request.resolver_match = resolve(UPLOAD_PAGE)
    return request.FILES["file"]


def a_meter_s_readings(size: int) -> bytes:
    line = b"2026-01-05,00:15,meter 4471-882 read 1.25 kWh\n"
    return (line * (size // len(line) + 1))[:size]


def test_a_small_upload_stays_in_memory():
    upload = received(b"x" * 1_000)
    assert not isinstance(upload.file, SealedSpool) and upload.read() == b"x" * 1_000


def test_a_large_upload_is_sealed_on_disk_and_reads_back_whole(tmp_path):
    content = a_meter_s_readings(3_000_000)  # over the 2.5 MB kept in memory
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        upload = received(content)
    assert upload.size == 3_000_000 and isinstance(upload.file, SealedSpool)
    assert list(tmp_path.iterdir()) == []  # the file has no name in the directory
    scratch_fd = upload.file._scratch._fd
    on_disk = os.pread(scratch_fd, os.fstat(scratch_fd).st_size, 0)
    assert len(on_disk) > 3_000_000 - BLOCK and b"meter 4471-882" not in on_disk  # sealed, not in clear
    assert upload.read() == content
    upload.seek(BLOCK - 7)
    assert upload.read(20) == content[BLOCK - 7 : BLOCK + 13]  # across two sealed blocks
    assert b"".join(upload.chunks()) == content


def test_a_file_past_the_limit_is_cut_where_received_and_refused_by_its_form():
    with override_settings(CUSTODIAN_UPLOAD_MAX_BYTES=1_000):
        upload = received(b"y" * 50_000)
        assert upload.size == 50_000 and upload.cut_short and len(upload.read()) == 1_000  # memory held
        upload.seek(0)
        form = OneFile(files={"file": upload})
        assert not form.is_valid() and form.errors["file"] == ["The file is larger than 2 kB."]


def test_a_file_cut_short_is_refused_even_below_its_form_s_own_limit():
    class Roomy(forms.Form):
        file = bounds.FileField()  # the upload limit, and its words

    with override_settings(CUSTODIAN_UPLOAD_MAX_BYTES=3 * 2**20):
        upload = received(a_meter_s_readings(4 * 2**20))
        assert upload.cut_short
        form = Roomy(files={"file": upload})
        assert not form.is_valid() and form.errors["file"] == ["The file is over 3 MB."]
