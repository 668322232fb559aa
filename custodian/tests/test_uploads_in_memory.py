"""An uploaded file is personal data: it is kept in memory while the request lasts, never written to a
temporary file in clear as Django's default handlers do past 2.5 MB; a file past the largest size a form
takes is cut where it is received and refused by the form, naming its size."""

import tempfile
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import RequestFactory

from custodian import bounds
from custodian.usage.forms import MAX_UPLOAD_BYTES


class OneFile(forms.Form):
    file = bounds.FileField(max_bytes=2_000, too_large="The file is larger than 2 kB.")


def received(content: bytes):
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("usage.xml", content)})
    return request.FILES["file"]


def test_a_large_upload_stays_in_memory_and_no_temporary_file_is_written():
    before = set(Path(tempfile.gettempdir()).glob("*.upload*"))
    upload = received(b"x" * 3_000_000)  # over Django's 2.5 MB, where its default would write a file
    assert isinstance(upload, InMemoryUploadedFile) and upload.size == 3_000_000
    assert upload.read() == b"x" * 3_000_000
    assert set(Path(tempfile.gettempdir()).glob("*.upload*")) == before


def test_a_file_past_the_limit_is_cut_where_received_and_refused_by_its_form(monkeypatch):
    monkeypatch.setattr(bounds, "UPLOAD_MEMORY_LIMIT", 1_000)
    upload = received(b"y" * 50_000)
    assert upload.size == 50_000 and len(upload.read()) == 1_001  # memory held: the limit and one byte
    upload.seek(0)
    form = OneFile(files={"file": upload})
    assert not form.is_valid() and form.errors["file"] == ["The file is larger than 2 kB."]


def test_the_limit_is_the_largest_file_a_form_takes():
    assert bounds.UPLOAD_MEMORY_LIMIT == MAX_UPLOAD_BYTES
