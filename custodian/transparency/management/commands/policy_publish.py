from django.core.management.base import BaseCommand, CommandError

from custodian.commands import progress_once_counted
from custodian.plurals import counted
from custodian.staff.commands import by_argument, command_staff
from custodian.transparency.services import TransparencyError, policy_archive, policy_change_notify


class Command(BaseCommand):
    help = (
        "Archive the policy in force (the policy file and the published text) under its version, once; with "
        "--notify, tell every customer in service of the change through the outbox (safe to re-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--change", action="append", default=[], help="what changed, in plain words (repeat for each)"
        )
        parser.add_argument("--notify", action="store_true", help="tell customers (e-mail, or a letter)")
        by_argument(parser, "the staff member who sends the notices", required=False)

    def handle(self, *args, change, notify, by, **options):
        try:
            version, new = policy_archive(changes=change)
        except TransparencyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"policy {version.version} {'archived' if new else 'was already archived'}")
        if not notify:
            return
        sender = command_staff(by)
        # The bar's total is the customers still to tell, counted before the first; none, no bar.
        with progress_once_counted(unit="customer", desc="telling customers") as counting:
            report = policy_change_notify(version=version, sent_by=sender, **counting)
        self.stdout.write(
            f"{counted(report.emails, 'e-mail')}, {counted(report.letters, 'letter')} (letters go with "
            f"the next letters_mail); "
            f"{report.already} told before"
        )
