"""Send the notices of collections through the outbox: `manage.py collection_notices past-due` (a letter per
account past due, once per arrears: per oldest bill unpaid past its due date) and `manage.py
collection_notices cold-weather` (the yearly Cold Weather Rule notice to every residential customer, between
August 15 and October 1). Safe to re-run."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.collecting.notices import NoticeError, cold_weather_notice_send, past_due_notices_send
from custodian.commands import progress_once_counted
from custodian.plurals import counted
from custodian.staff.commands import by_argument, command_staff


class Command(BaseCommand):
    help = "Send past-due letters or the yearly Cold Weather Rule notice, through the outbox."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["past-due", "cold-weather"])
        parser.add_argument("--on", help="the day to send as (YYYY-MM-DD; default today)")
        by_argument(parser, "the collections staff member who sends them", required=False)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, kind, on=None, by=None, no_progress=False, **options):

        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"--on {on!r} is not a date written YYYY-MM-DD") from None
        staff = command_staff(by)
        send = past_due_notices_send if kind == "past-due" else cold_weather_notice_send
        # The bar's total is the letters still to write, counted before the first; none, no bar.
        with progress_once_counted(unit="letter", disable=no_progress, file=self.stderr) as counting:
            try:
                report = send(on=day, by=staff, **counting)
            except NoticeError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"{counted(report.sent, 'letter')} queued, {report.already} already sent before")
        if report.kept:
            self.stdout.write(
                f"{counted(report.kept, 'account')} skipped: each keeps a payment agreement, so nothing "
                f"past due is "
                "owed beyond it (Minn. Stat. § 216B.098 subd. 3)"
            )
