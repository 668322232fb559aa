"""Reading a mailbox: the e-mail intake of customer requests and the outbox's delivery reports both read
Maildir folders and mbox files."""

import mailbox
from collections.abc import Iterator
from pathlib import Path


def messages_in(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) for each message of a Maildir (a folder with cur/ and new/) or an mbox file."""
    path = Path(path)
    if path.is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
    elif path.is_file():
        box = mailbox.mbox(path, factory=None, create=False)
    else:
        raise FileNotFoundError(f"{path} is neither a Maildir folder nor an mbox file")
    for key in box.iterkeys():
        try:
            raw = box.get_bytes(key)
        except Exception as exc:  # a damaged mailbox entry
            yield f"{path}#{key}", exc
            continue
        yield f"{path}#{key}", raw
