from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from custodian.demo.development import DEMO_DEVICE_NAME, refuse_outside_development
from custodian.demo.personas import STAFF_PERSONAS
from custodian.staff.mfa import confirmed_totp


class Command(BaseCommand):
    help = "Development only: print the current sign-in code of a demo staff member."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        refuse_outside_development("demo_otp")
        if username not in {p.username for p in STAFF_PERSONAS}:
            raise CommandError(f"{username!r} is not a demo staff member")
        user = get_user_model().objects.filter(username=username).first()
        device = user and confirmed_totp(user)
        if device is None or device.name != DEMO_DEVICE_NAME:
            raise CommandError(f"{username} has no demo authenticator (it was re-enrolled or never seeded)")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
