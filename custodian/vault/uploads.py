"""The files a request uploads, as they are received (the one entry of FILE_UPLOAD_HANDLERS).

An uploaded file is personal data (a Green Button file, a file of meter reads, the scan of a signed consent or
a power of attorney), and Django's own handlers write a file over 2.5 MB to the temporary directory in clear
for as long as the request lasts. Here a file up to FILE_UPLOAD_MAX_MEMORY_SIZE stays in memory; a larger one
is sealed into a nameless scratch file (`vault.scratch`: AES-GCM under a key made for that file, held by
this process only), block by block as it arrives, and read back through the same object. The disk never
holds it readable, and memory holds a block of it, not the file.

Only a page that takes a file (`bounds.takes_a_file`) is sent one. The form is read by middleware before any
view runs (the CSRF check reads it), so this handler decides by the view the URL resolved to: for any other
page, the first file part stops the upload before a byte of it is kept, the rest of the body is read off in
chunks and dropped (so the client reads the answer; nothing of it is held), and the request is a 400
(`bounds.FileNotTaken`). The request's files together count against one limit (`bounds.upload_limit`): past
it nothing more is kept, the file still reports its whole size, marked `cut_short`, and the form refuses it
by name (`bounds.FileField`); its content cut short is never read.
"""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from custodian import bounds
from custodian.vault.scratch import Scratch

BLOCK = 64 * 1024  # bytes sealed together in the scratch file, and held in memory when read back


class SealedSpool(io.RawIOBase):
    """A file written once from start to end, then read anywhere: its bytes sealed into a scratch file a
    block at a time; the block being read is the only part in memory in clear."""

    def __init__(self, directory: Path):
        super().__init__()
        self._scratch = Scratch(directory)
        self._blocks: list[tuple[int, int]] = []  # where each whole block is in the scratch file
        self._tail = bytearray()  # the bytes after the last whole block, until a block is whole
        self._size = 0
        self._at = 0
        self._open: tuple[int, bytes] | None = None  # the block last read back

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._tail += data
        while len(self._tail) >= BLOCK:
            self._blocks.append(self._scratch.put(bytes(self._tail[:BLOCK])))
            del self._tail[:BLOCK]
        self._size += len(data)
        return len(data)

    def _block(self, index: int) -> bytes:
        if index == len(self._blocks):
            return bytes(self._tail)
        if self._open is None or self._open[0] != index:
            self._open = (index, self._scratch.take(*self._blocks[index]))
        return self._open[1]

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._at < self._size:
            index, offset = divmod(self._at, BLOCK)
            piece = self._block(index)[offset : offset + len(view) - done]
            view[done : done + len(piece)] = piece
            done += len(piece)
            self._at += len(piece)
        return done

    def readall(self) -> bytes:
        return self.read(self._size - self._at)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._at = base + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        if not self.closed:
            self._scratch.close()
            self._blocks, self._tail, self._open = [], bytearray(), None
        super().close()


class UploadNeverInClear(FileUploadHandler):
    """Django's upload handler for every request (the module's docstring says what it does and why)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0  # bytes of every file part of this request so far, kept or not
        self.kept = 0  # of which kept (at most the upload limit)

    def new_file(self, *args, **kwargs):
        if not bounds.view_takes_a_file(self.request):
            # The rest of the body read off and dropped, a chunk at a time: Django's own StopUpload would read
            # it line by line, and a body without a line break is one line, held whole.
            while self.request is not None and self.request.read(self.chunk_size):
                pass
            raise bounds.FileNotTaken("This page takes no file; the form was not read.")
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.cut_short = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        room = bounds.upload_limit() - self.kept
        if len(raw_data) > room:
            self.cut_short = True
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(len(raw_data), room)
            if isinstance(self.file, io.BytesIO) and self.file.tell() > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
                spool = SealedSpool(Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()))
                spool.write(self.file.getbuffer())
                self.file = spool
        return None  # no other handler: the bytes go nowhere else

    def file_complete(self, file_size):
        self.file.seek(0)
        upload = UploadedFile(
            file=self.file,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.field_name = self.field_name
        upload.cut_short = self.cut_short
        return upload
