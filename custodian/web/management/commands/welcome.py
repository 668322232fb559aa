from django.core.management.base import BaseCommand

from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS
from custodian.policy.loader import current_policy


class Command(BaseCommand):
    help = "Print where the running demo lives and how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        base = f"http://{host}:{port}"
        utility = current_policy().utility["name"]
        lines = [
            "",
            f"Custodian for {utility}",
            f"  public site      {base}/",
            f"  privacy policy   {base}/privacy/",
            f"  staff console    {base}/staff/",
            f"  customer portal  {base}/portal/",
            f"  API docs         {base}/api/v1/docs",
            "",
            f"Demo staff logins (password for all: {DEMO_PASSWORD}):",
            *[f"  {p.username:<18} {p.description} ({', '.join(p.services)})" for p in STAFF_PERSONAS],
            "Every staff sign-in asks for a second factor; print a demo member's current code with",
            "  .venv/bin/python manage.py demo_otp bill.clerk",
            "",
        ]
        self.stdout.write("\n".join(lines))
