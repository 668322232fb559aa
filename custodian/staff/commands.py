"""What a management command run by a member of staff reads first: the `--by USER` argument naming them and
that active member of staff (named in the access log for what the command reads or writes), and the file it
was given, each refused by name when there is none."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def by_argument(parser, who: str, *, required: bool = True) -> None:
    """The command's `--by USER` argument: `who` is the member of staff it names."""
    parser.add_argument("--by", required=required, metavar="USER", help=who)


def command_staff(by: str | None):
    """The active member of staff whose username is `by` (None when an optional `--by` is not given); a
    CommandError naming `by` when there is no such member of staff."""
    if by is None:
        return None
    member = get_user_model().objects.filter(username=by, is_active=True).first()
    if member is None:
        raise CommandError(f"no active staff user {by!r}")
    return member


def command_file(file: str) -> Path:
    """The file named `file`; a CommandError naming it when there is no such file."""
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"no file {file}")
    return path
