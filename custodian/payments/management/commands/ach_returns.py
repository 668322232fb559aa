"""Post the automatic payments the customers' banks returned: `manage.py ach_returns FILE --by USER` (a member
of collections staff). Each return is posted once: safe to re-run with the same file."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from custodian.payments.ach_returns import ReturnFileError, returns_parse, returns_post


class Command(BaseCommand):
    help = "Read the bank's NACHA return file and post each returned automatic payment once."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the return file the bank sent")
        parser.add_argument("--by", required=True, metavar="USER", help="the collections staff member")

    def handle(self, *args, file, by, **options):

        staff = get_user_model().objects.filter(username=by, is_active=True).first()
        if staff is None:
            raise CommandError(f"no active staff user {by!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        try:
            report = returns_post(entries=returns_parse(path.read_bytes()), by=staff)
        except ReturnFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{report.posted} returned payments posted, {report.already_posted} already posted, "
            f"{report.unknown} not ours; automatic payment stopped on {report.autopay_stopped} accounts"
        )
