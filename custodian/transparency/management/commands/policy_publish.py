from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

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
        parser.add_argument("--by", metavar="USER", help="the staff member who sends the notices")

    def handle(self, *args, change, notify, by, **options):
        try:
            version, new = policy_archive(changes=change)
        except TransparencyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"policy {version.version} {'archived' if new else 'was already archived'}")
        if not notify:
            return
        sender = None
        if by:
            sender = get_user_model().objects.filter(username=by, is_active=True).first()
            if sender is None:
                raise CommandError(f"no active staff user {by!r}")
        with tqdm(unit="customer", desc="telling customers") as bar:
            report = policy_change_notify(version=version, sent_by=sender, progress=bar.update)
        self.stdout.write(
            f"{report.emails} e-mails, {report.letters} letters (letters go with the next letters_mail); "
            f"{report.already} told before"
        )
