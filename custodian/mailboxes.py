"""Reading a mailbox: the e-mail intake of customer requests and the outbox's delivery reports both read
Maildir folders and mbox files."""

import mailbox
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def messages_in(path: Path, counted: Callable[[int], None] | None = None) -> Iterator[tuple[str, bytes]]:
    """(where, raw bytes) for each message of a Maildir (a folder with cur/ and new/) or an mbox file;
    `counted(n)` told how many there are before the first. Counting costs no second read: a Maildir's are
    its files' names, and an mbox's are found by the one pass that indexes the file, which reading its
    first message makes anyway."""
    path = Path(path)
    if path.is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
    elif path.is_file():
        box = mailbox.mbox(path, factory=None, create=False)
    else:
        raise FileNotFoundError(f"{path} is neither a Maildir folder nor an mbox file")
    if counted:
        counted(len(box))
    for key in box.iterkeys():
        try:
            raw = box.get_bytes(key)
        except Exception as exc:  # a damaged mailbox entry
            yield f"{path}#{key}", exc
            continue
        yield f"{path}#{key}", raw


class MailboxCommand(BaseCommand, metaclass=ABCMeta):
    """A management command that reads a mailbox through one import (`mailbox_read`): the import's failure to
    open the mailbox (`unreadable`) is the command's error, each message it skipped is a line on stderr, and
    its report ends in one summary line (`summary`). With `takes_path`, the mailbox is the command's one
    argument: a Maildir folder or an mbox file."""

    takes_path = True
    unreadable: type[Exception] = FileNotFoundError

    @abstractmethod
    def mailbox_read(self, **options):
        """The import, run with the command's options: its report (with `skipped`: where, why)."""

    @abstractmethod
    def summary(self, report) -> str:
        """The report's one summary line."""

    def add_arguments(self, parser):
        if self.takes_path:
            parser.add_argument("path", type=Path)

    def handle(self, *args, **options):
        try:
            report = self.mailbox_read(**options)
        except self.unreadable as exc:
            raise CommandError(str(exc)) from None
        for where, why in report.skipped:
            self.stderr.write(f"skipped {where}: {why}")
        self.stdout.write(self.summary(report))
