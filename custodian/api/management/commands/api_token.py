from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from custodian.api.models import ApiToken
from custodian.api.selectors import api_tokens, token_status
from custodian.api.services import (
    TokenError,
    api_token_create,
    api_token_expire,
    api_token_revoke,
    api_tokens_revoke_for_user,
)
from custodian.disclosures.commands import command_vendor
from custodian.plurals import counted


def _staff(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active staff user {username!r}")
    return user


def _token(token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise CommandError(f"no token {token_id}")
    return token


class Command(BaseCommand):
    help = (
        "API tokens: create one for a staff member, a system job (on behalf of a staff member) or a "
        "registered vendor (the secret is shown once); list them; expire or revoke them."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token and print its secret once")
        who = create.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="a staff member's user name: the token acts as them")
        who.add_argument("--job", help="a system job of the policy file that runs outside Custodian")
        who.add_argument("--vendor", type=int, help="a registered vendor's id: the token fetches its exports")
        create.add_argument("--on-behalf-of", help="for --job: the staff member who answers for the job")
        create.add_argument("--days", type=int, help="lifetime in days (default CUSTODIAN_API_TOKEN_DAYS)")
        create.add_argument("--name", default="")
        listing = sub.add_parser("list", help="tokens with owner, expiry and status")
        listing.add_argument(
            "--all", dest="include_all", action="store_true", help="also expired and revoked tokens"
        )
        expire = sub.add_parser("expire", help="bring a token's expiry forward")
        expire.add_argument("token", type=int)
        expire.add_argument("--on", help="a date (YYYY-MM-DD; default: now)")
        revoke = sub.add_parser("revoke", help="stop a token now")
        target = revoke.add_mutually_exclusive_group(required=True)
        target.add_argument("token", type=int, nargs="?")
        target.add_argument("--user", dest="revoke_user", help="every token of this staff member")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, user, job, vendor, on_behalf_of, days, name, **_):
        found_vendor = None if vendor is None else command_vendor(vendor)
        try:
            token, raw = api_token_create(
                name=name,
                user=_staff(user) if user else None,
                job=job or "",
                on_behalf_of=_staff(on_behalf_of) if on_behalf_of else None,
                vendor=found_vendor,
                days=days,
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from None
        expires = timezone.localtime(token.expires_at)
        self.stdout.write(
            f"token {token.pk} ({token.kind}, owner {token.owner_label}, expires {expires:%Y-%m-%d %H:%M})\n"
            f"secret (shown once): {raw}\nuse it as: Authorization: Bearer {raw}"
        )

    def _list(self, *, include_all, **_):
        rows = list(api_tokens(include_inactive=include_all))
        if not rows:
            self.stdout.write("no tokens")
            return
        for t in rows:
            acts_as = t.job or ("as the vendor" if t.kind == "vendor" else "as the owner")
            self.stdout.write(
                f"{t.pk:>5}  {t.kind:<6}  {token_status(t):<7}  owner {t.owner_label}  {acts_as}  "
                f"created {t.created_at:%Y-%m-%d}  expires {t.expires_at:%Y-%m-%d %H:%M}  {t.name}"
            )

    def _expire(self, *, token, on, **_):
        at = None
        if on:
            try:
                day = datetime.strptime(on, "%Y-%m-%d").date()  # noqa: DTZ007 (a date, made aware below)
            except ValueError:
                raise CommandError(f"--on {on!r}: give a date as YYYY-MM-DD") from None
            at = datetime.combine(day, time.min, timezone.get_current_timezone())
        found = api_token_expire(token=_token(token), at=at)
        self.stdout.write(f"token {found.pk} expires {timezone.localtime(found.expires_at):%Y-%m-%d %H:%M}")

    def _revoke(self, *, token, revoke_user, **_):
        if revoke_user:
            user = get_user_model().objects.filter(username=revoke_user).first()
            if user is None:
                raise CommandError(f"no staff user {revoke_user!r}")
            self.stdout.write(
                f"{counted(api_tokens_revoke_for_user(user=user), 'token')} of {revoke_user} revoked"
            )
            return
        found = api_token_revoke(token=_token(token))
        self.stdout.write(
            f"token {found.pk} revoked at {timezone.localtime(found.revoked_at):%Y-%m-%d %H:%M}"
        )
