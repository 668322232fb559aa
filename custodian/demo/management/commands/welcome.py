from django.core.management.base import BaseCommand

from custodian.demo.development import refuse_outside_development
from custodian.demo.personas import DEMO_PASSWORD, STAFF_PERSONAS
from custodian.demo.selectors import (
    demo_collections_examples,
    demo_portal_example,
    demo_portal_sign_in,
    demo_vendors,
)
from custodian.policy.loader import current_policy


class Command(BaseCommand):
    help = "Print where the running demo lives and how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        refuse_outside_development("welcome")  # it prints the demo's password and a customer's bill figure
        base = f"http://{host}:{port}"
        utility = current_policy().utility["name"]
        lines = [
            "",
            f"Custodian for {utility}",
            f"  public site      {base}/",
            f"  privacy policy   {base}/privacy/",
            f"  access log       {base}/transparency/  (signed heads anyone can check)",
            f"  staff console    {base}/staff/",
            f"  customer portal  {base}/portal/",
            f"  API docs         {base}/api/v1/docs",
            "",
            f"Demo staff logins (password for all: {DEMO_PASSWORD}):",
            *[f"  {p.username:<18} {p.description} ({', '.join(p.services)})" for p in STAFF_PERSONAS],
            "Every staff sign-in asks for a second factor; print a demo member's current code with",
            "  .venv/bin/python manage.py demo_otp bill.clerk",
            "",
            *self._portal_sign_in(),
            *self._demo_customer(),
            *self._billing_cases(),
            "",
            *self._vendors(),
        ]
        self.stdout.write("\n".join(lines))

    def _portal_sign_in(self):
        """The demo customer who is online already: sign in as them and look around the portal."""
        email = demo_portal_sign_in(seed=1)
        if not email:
            return []
        return [
            "Demo customer sign-in for the portal (/portal/sign-in/):",
            f"  {email:<34} password {DEMO_PASSWORD} (bills, usage, how their use compares, privacy)",
            "",
        ]

    def _vendors(self):
        """The demo's vendors, each with its API token command (a vendor fetches its own export files)."""
        vendors = demo_vendors()
        if not vendors:
            return []
        return [
            "Demo vendors (each fetches its own exports through the API with a token from",
            "  .venv/bin/python manage.py api_token create --vendor ID):",
            *[f"  {pk:>3}  {name} ({function})" for pk, name, function in vendors],
            "",
        ]

    def _demo_customer(self):
        """What a demo customer needs to sign up in the portal: the account number and a bill figure."""
        example = demo_portal_example(seed=1)
        if example is None:
            return []
        number, kwh = example
        return [
            f"Another demo customer, to sign up in the portal (/portal/enrol/): account number {number}, "
            f"electricity last month {kwh} kWh;",
            "  the confirmation link is printed in this console (development e-mail), addressed to the",
            "  customer's e-mail address on file when they have one; open it and press its button.",
        ]

    def _billing_cases(self):
        """The demo's bills and collections: who is past due and who is under the Cold Weather Rule (sign up
        as them in the portal; bill.clerk and colin.collections see them in the console)."""
        cases = demo_collections_examples(seed=1)
        if not cases:
            return []
        lines = ["A year of bills and payments is on file. Customers to sign up as (account number, kWh):"]
        for label, found in cases.items():
            lines.append(f"  {label}: " + "; ".join(f"{n} ({kwh} kWh)" for n, kwh in found))
        lines.append(
            "  bill.clerk sees the bill runs at /staff/billing/, colin.collections the past-due list at "
            "/staff/collections/."
        )
        return lines
