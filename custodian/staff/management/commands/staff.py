"""Staff accounts from the command line (IT): the same changes as the console's staff pages, each recorded in
the access log as made by staff administration."""

from django.core.management.base import BaseCommand, CommandError

from custodian.plurals import counted
from custodian.staff.models import ServiceMembership
from custodian.staff.services import (
    StaffAdminError,
    UnknownService,
    staff_member_add,
    staff_member_deactivate,
    staff_member_reactivate,
    staff_membership_set,
    staff_password_reset,
    staff_second_factor_reset,
    staff_users,
)


def _member(username: str):
    user = staff_users().filter(username=username).first()
    if user is None:
        raise CommandError(f"no member of staff {username!r}")
    return user


def _services(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


class Command(BaseCommand):
    help = (
        "Staff accounts: list them; add one (first password shown once); change their support services; "
        "deactivate one (ends their sessions and revokes their API tokens at once) or reactivate; reset a "
        "lost second factor or a forgotten password."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="members of staff with their services and status")
        listing.add_argument("--all", dest="include_all", action="store_true", help="also deactivated ones")
        add = sub.add_parser("add", help="add a member of staff")
        add.add_argument("username")
        add.add_argument("--name", required=True, help="full name")
        add.add_argument("--services", required=True, help="comma-separated support services")
        add.add_argument("--email", default="", help="work e-mail address (notices, password set-up links)")
        services = sub.add_parser("services", help="put a member in exactly these support services")
        services.add_argument("username")
        services.add_argument("services", help="comma-separated support services (empty: none)")
        services.add_argument(
            "--leads",
            help="comma-separated services among them that they lead (empty: none; left out: unchanged)",
        )
        for action, text in (
            ("deactivate", "offboarding: no more sign-in; sessions and API tokens end now"),
            ("reactivate", "let a deactivated member sign in again"),
            ("reset-second-factor", "remove their authenticator and recovery codes; they enrol anew"),
            ("reset-password", "a new random password, shown once; their sessions end"),
        ):
            sub.add_parser(action, help=text).add_argument("username")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except (StaffAdminError, UnknownService) as exc:
            raise CommandError(str(exc)) from None

    def _list(self, *, include_all, **_):
        users = staff_users().order_by("username")
        if not include_all:
            users = users.filter(is_active=True)
        held: dict[int, list[str]] = {}
        for user_id, service in ServiceMembership.objects.values_list("user_id", "service"):
            held.setdefault(user_id, []).append(service)
        for u in users:
            status = "active" if u.is_active else "deactivated"
            services = ",".join(sorted(held.get(u.pk, []))) or "-"
            self.stdout.write(f"{u.username:<24} {status:<11} {services:<40} {u.get_full_name()}")

    def _add(self, *, username, name, services, email, **_):
        user, password = staff_member_add(
            username=username, full_name=name, services=_services(services), email=email
        )
        self.stdout.write(
            f"{user.username} added in {services}.\nfirst password (shown once): {password}\n"
            "At the first sign-in they enrol an authenticator app."
        )

    def _services(self, *, username, services, leads, **_):
        staff_membership_set(
            user=_member(username),
            services=_services(services),
            leads=None if leads is None else _services(leads),
        )
        led = f"; leads: {leads or 'none'}" if leads is not None else ""
        self.stdout.write(f"{username} is in: {services or 'no service'}{led}")

    def _deactivate(self, *, username, **_):
        done = staff_member_deactivate(user=_member(username))
        self.stdout.write(
            f"{username} deactivated: {counted(done.sessions_ended, 'session')} ended, "
            f"{counted(done.tokens_revoked, 'API token')} "
            "revoked"
        )

    def _reactivate(self, *, username, **_):
        staff_member_reactivate(user=_member(username))
        self.stdout.write(f"{username} can sign in again (API tokens stay revoked)")

    def _reset_second_factor(self, *, username, **_):
        ended = staff_second_factor_reset(user=_member(username))
        self.stdout.write(
            f"{username}: second factor removed, {counted(ended, 'session')} ended; they enrol anew"
        )

    def _reset_password(self, *, username, **_):
        password = staff_password_reset(user=_member(username))
        self.stdout.write(f"{username}: new password (shown once): {password}")
