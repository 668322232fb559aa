from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from custodian.api.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a staff user, a system job or a vendor function; the secret is shown once."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="a staff user name")
        who.add_argument("--job", help="a system job of the policy file")
        who.add_argument("--vendor-function", help="a vendor function of the policy file")
        parser.add_argument("--name", default="")

    def handle(self, *args, user, job, vendor_function, name, **options):
        owner = None
        if user:
            owner = get_user_model().objects.filter(username=user, is_active=True).first()
            if owner is None:
                raise CommandError(f"no active staff user {user!r}")
        try:
            token, raw = api_token_create(
                name=name or user or job or vendor_function,
                user=owner,
                job=job or "",
                vendor_function=vendor_function or "",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"token {token.pk} ({token.kind}): {raw}\nuse it as: Authorization: Bearer {raw}")
