"""A file is taken only by a page whose form takes one, and a request's files count against one limit.

The form is read before any view runs (the CSRF check reads it), so any anonymous POST used to be received
whole, each file part up to 100 MB in memory. Now a file part sent to a page that takes none is refused (400,
saying so) before the handler is given a byte of it: the rest of the body is read off in chunks and dropped,
never held. A page that takes a file keeps at most the upload limit of the request's files, and its form says
the file is over it. The proxy documented in docs/operations.md lets the largest upload's body through."""

import re

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver

from custodian import bounds
from custodian.testing import project_file
from custodian.testing.portal import signed_in
from custodian.vault.uploads import UploadNeverInClear

MB = 2**20
BOUNDARY = "custodian-test-boundary-7d41"
CHUNK = 64 * 1024  # what Django's parser reads at a time


class MadeAsRead:
    """A multipart body made as it is read, never whole in memory (the text fields, then `parts` files of
    `size` bytes each), that counts what is read from it and the largest single read."""

    def __init__(self, fields: dict[str, str], parts: int, size: int, epilogue: int = 0):
        head = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ).encode()
        part_heads = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="scan{i}"; filename="scan{i}.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            for i in range(parts)
        ]
        tail = f"--{BOUNDARY}--\r\n".encode()
        self.length = len(head) + sum(len(h) + size + 2 for h in part_heads) + len(tail) + epilogue
        self._pieces = self._made(head, part_heads, size, tail, epilogue)
        self._piece, self._at = b"", 0
        self.read_total = self.largest_read = 0

    @staticmethod
    def _made(head, part_heads, size, tail, epilogue):
        yield head
        filler = b"%PDF" * (MB // 4)  # no line break
        for part_head in part_heads:
            yield part_head
            for start in range(0, size, MB):
                yield filler[: min(MB, size - start)]
            yield b"\r\n"
        yield tail
        for start in range(0, epilogue, MB):  # after the last boundary: read off and dropped
            yield filler[: min(MB, epilogue - start)]

    def read(self, size=-1):
        want = self.length if size is None or size < 0 else size
        out = []
        while want:
            if self._at >= len(self._piece):
                self._piece, self._at = next(self._pieces, b""), 0
                if not self._piece:
                    break
            piece = self._piece[self._at : self._at + want]
            self._at += len(piece)
            want -= len(piece)
            out.append(piece)
        data = b"".join(out)
        self.read_total += len(data)
        self.largest_read = max(self.largest_read, len(data))
        return data

    readline = read  # never called for a multipart body; WSGIRequest's stream takes it


def posted(path: str, body: MadeAsRead, cookies: str):
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        HTTP_COOKIE=cookies,
        **{"wsgi.input": body},
    )
    return ClientHandler(enforce_csrf_checks=True)(environ)


def spied(monkeypatch) -> list[int]:
    """The size of each piece of a file the upload handler is given, as it is given."""
    given = []
    receive = UploadNeverInClear.receive_data_chunk

    def spy(self, raw_data, start):
        given.append(len(raw_data))
        return receive(self, raw_data, start)

    monkeypatch.setattr(UploadNeverInClear, "receive_data_chunk", spy)
    return given


def test_big_file_parts_sent_to_the_sign_in_page_are_refused_and_never_held(db, monkeypatch):
    given = spied(monkeypatch)
    token = "k" * 32
    body = MadeAsRead({"csrfmiddlewaretoken": token, "email": "a@example.com"}, parts=4, size=25 * MB)
    response = posted("/portal/sign-in/", body, cookies=f"csrftoken={token}")
    assert response.status_code == 400
    assert "this page takes none" in response.content.decode()
    assert given == []  # not a byte of any file part given to the handler, so none kept
    assert body.largest_read <= CHUNK  # read off a chunk at a time, never held whole
    assert body.read_total == body.length  # and read to its end: the client reads the answer


def test_a_long_tail_after_the_form_s_last_part_is_refused_without_being_held(db):
    token = "k" * 32
    body = MadeAsRead(
        {"csrfmiddlewaretoken": token, "email": "a@example.com"}, parts=0, size=0, epilogue=64 * MB
    )
    response = posted("/portal/sign-in/", body, cookies=f"csrftoken={token}")
    assert response.status_code == 400  # Django's parser reads it as a part whose headers never end
    assert body.largest_read <= CHUNK and body.read_total < MB


def test_an_upload_over_the_limit_answers_the_form_s_words_holding_no_more_than_the_limit(
    households, monkeypatch
):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    given = spied(monkeypatch)
    with override_settings(CUSTODIAN_UPLOAD_MAX_BYTES=2 * MB):
        response = client.post(
            "/portal/me/usage/upload/", {"file": SimpleUploadedFile("usage.csv", b"x" * (3 * MB))}
        )
    assert response.status_code == 400
    assert "The file is over 2 MB." in response.content.decode()
    assert sum(given) == 3 * MB  # every byte passed by the handler, and at most 2 MB kept (the other tests)


def test_a_second_file_is_refused_where_the_largest_form_takes_one(households):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    two = {"file": SimpleUploadedFile("a.csv", b"a"), "other": SimpleUploadedFile("b.csv", b"b")}
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 1
    assert client.post("/portal/me/usage/upload/", two).status_code == 400


def views(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from views(entry.url_patterns, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}", entry.callback


def every_form():
    found, waiting = [], [forms.Form]
    while waiting:
        form = waiting.pop()
        found.append(form)
        waiting += form.__subclasses__()
    return [f for f in found if f.__module__.startswith("custodian.")]


def test_the_pages_that_take_a_file_are_the_pages_with_a_file_field_each_held_to_the_limit():
    taking = {name for name, view in views() if getattr(view, bounds.TAKES_A_FILE, False)}
    assert taking == {
        "portal:usage_upload",  # the customer's Green Button file
        "console:usage_import",  # a Green Button file staff import
        "console:reads_import",  # a file of register reads
        "console:representatives",  # the document giving a representative authority
        "console:consent_add",  # the scan of a signed paper consent
        "console:authority_add",  # a subpoena, order or statutory request
    }
    file_fields = [
        (form.__name__, name, field)
        for form in every_form()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField)
    ]
    assert len(file_fields) >= 6
    assert [(f, n) for f, n, field in file_fields if not isinstance(field, bounds.FileField)] == []


def test_the_proxy_documented_lets_the_largest_upload_reach_the_form_that_names_the_limit():
    limit = settings.CUSTODIAN_UPLOAD_MAX_BYTES
    assert bounds.upload_limit() == limit
    assert limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 2**19 <= settings.CUSTODIAN_PROXY_BODY_MAX_BYTES
    guide = project_file("docs/operations.md").read_text()
    [documented] = re.findall(r"client_max_body_size (\d+)m;", guide)
    assert int(documented) * MB == settings.CUSTODIAN_PROXY_BODY_MAX_BYTES
    assert f"{limit // MB} MB" in guide
