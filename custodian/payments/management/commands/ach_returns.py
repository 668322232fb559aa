"""Post the automatic payments the customers' banks returned: `manage.py ach_returns FILE --by USER` (a member
of collections staff). Each return is posted once: safe to re-run with the same file."""

from django.core.management.base import BaseCommand

from custodian.commands import refusal_told
from custodian.payments.ach_returns import ReturnFileError, returns_parse, returns_post
from custodian.plurals import counted
from custodian.staff.commands import by_argument, command_file, command_staff


class Command(BaseCommand):
    help = (
        "Read the bank's NACHA return file: post each returned automatic payment once and record each "
        "notification of change (its corrected bank data sealed) for collections to act on."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the return file the bank sent")
        by_argument(parser, "the collections staff member")

    def handle(self, *args, file, by, **options):
        staff = command_staff(by)
        path = command_file(file)
        with refusal_told(ReturnFileError):
            report = returns_post(entries=returns_parse(path.read_bytes()), by=staff)
        self.stdout.write(
            f"{report.posted} returned payments posted, {report.already_posted} already posted, "
            f"{report.unknown} not ours; automatic payment stopped on "
            f"{counted(report.autopay_stopped, 'account')}; "
            f"{report.notices_recorded} notifications of change recorded for collections to act on, "
            f"{report.notices_already} already recorded"
        )
