"""The demo's commands (seed_demo, demo_otp, welcome) create or print known credentials: they refuse outside
development (DEBUG off, or a database that holds anything but demo data), and demo staff's authenticator
keys are random in every database, so nobody computes a demo member's codes from the source."""

import hashlib
import hmac
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

import custodian.demo
from custodian.customers.models import Customer
from custodian.staff.services import staff_member_create
from custodian.testing import colleague_added

DEMO_COMMANDS = [
    ["seed_demo", "--customers", "2", "--no-progress"],
    ["demo_otp", "bill.clerk"],
    ["welcome"],
]


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("command", DEMO_COMMANDS, ids=lambda c: c[0])
def test_demo_commands_refuse_with_debug_off(db, settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only, and DEBUG is off"):
        run(*command)
    assert not get_user_model().objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize("command", DEMO_COMMANDS, ids=lambda c: c[0])
def test_demo_commands_refuse_a_database_with_real_customers(customer, settings, command):
    settings.DEBUG = True  # a developer's shell pointed at the production database
    with pytest.raises(CommandError, match="not a demo database: it holds 1 customer"):
        run(*command)
    assert not get_user_model().objects.exists()
    assert Customer.objects.count() == 1


def test_seed_demo_refuses_a_database_with_real_staff(db, settings):
    settings.DEBUG = True
    get_user_model().objects.create_user(username="j.smith", password="x" * 20)
    with pytest.raises(CommandError, match="1 staff account"):
        run("seed_demo", "--customers", "0", "--no-progress")
    assert get_user_model().objects.count() == 1


def _personas(*usernames):
    return [get_user_model().objects.get(username=u) for u in usernames]


def test_staff_the_personas_added_in_the_console_keep_it_a_demo_database(db, settings):
    """Ivan (IT) adds Hana to billing from the console after seeding, and Hana's colleague she adds in turn:
    the demo's codes are still printed, and seeding again adds only what is missing."""
    settings.DEBUG = True
    run("seed_demo", "--customers", "0", "--no-progress")
    ivan, priya = _personas("ivan.it", "priya.privacy")
    hana = colleague_added(ivan, "hana.billing", ["billing"], approved_by=priya)
    colleague_added(hana, "otto.billing", ["billing"], approved_by=priya)
    assert run("demo_otp", "bill.clerk").strip().isdigit()
    run("seed_demo", "--customers", "0", "--no-progress")
    assert "cora.service" in run("welcome")


def test_staff_made_on_the_command_line_still_mark_a_real_database(db, settings):
    """A production database's first administrator is made on the server's command line (no one added her
    in the console), and whoever she adds is hers, not the demo's: refused, even beside the personas."""
    settings.DEBUG = True
    run("seed_demo", "--customers", "0", "--no-progress")
    admin = staff_member_create(
        username="j.smith", password="x" * 20, full_name="Jane Smith", services=["it_database"]
    )
    colleague_added(admin, "k.jones", ["billing"], approved_by=_personas("priya.privacy")[0])
    with pytest.raises(CommandError, match="2 staff account"):
        run("demo_otp", "bill.clerk")


def test_demo_authenticator_keys_are_random_per_database(db, settings):
    settings.DEBUG = True
    run("seed_demo", "--customers", "0", "--no-progress")
    first = TOTPDevice.objects.get(user__username="bill.clerk")
    # The key the demo used to derive from the user name is not it.
    derived = hmac.new(b"custodian-demo-totp", b"bill.clerk", hashlib.sha1).hexdigest()
    assert first.key != derived
    code = run("demo_otp", "bill.clerk").strip()
    assert first.verify_token(code)
    # Seeding staff afresh (as in another database) draws other keys.
    TOTPDevice.objects.all().delete()
    run("seed_demo", "--customers", "0", "--no-progress")
    assert TOTPDevice.objects.get(user__username="bill.clerk").key != first.key


def test_an_old_demo_database_loses_its_computable_keys(db, settings):
    settings.DEBUG = True
    run("seed_demo", "--customers", "0", "--no-progress")
    derived = hmac.new(b"custodian-demo-totp", b"bill.clerk", hashlib.sha1).hexdigest()
    TOTPDevice.objects.filter(user__username="bill.clerk").update(key=derived, name="authenticator")
    run("seed_demo", "--customers", "0", "--no-progress")
    assert TOTPDevice.objects.get(user__username="bill.clerk").key != derived


def test_welcome_points_at_the_sites_and_the_access_logs_transparency_page(db, settings):
    settings.DEBUG = True
    run("seed_demo", "--customers", "0", "--no-progress")
    banner = run("welcome", "--host", "127.0.0.1", "--port", "8000")
    assert "http://127.0.0.1:8000/privacy/" in banner
    assert "http://127.0.0.1:8000/transparency/" in banner


def test_every_command_of_the_demo_app_is_checked_here():
    """A new demo command is refused outside development only if it is tested here: fail until it is."""

    folder = Path(custodian.demo.__file__).parent / "management" / "commands"
    commands = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    assert commands == {c[0] for c in DEMO_COMMANDS}
