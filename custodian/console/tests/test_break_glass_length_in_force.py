"""Emergency access lasts as long as CUSTODIAN_BREAK_GLASS_MINUTES says, never more than the hour the policy
promises: the console's pages say the length in force, and a longer setting stops the app at start-up."""

import subprocess
import sys

import pytest
from django.conf import settings as django_settings


@pytest.mark.parametrize("minutes, words", [(60, "an hour"), (30, "30 minutes"), (1, "1 minute")])
def test_the_console_says_how_long_emergency_access_lasts(
    console, field_tech, customer, settings, minutes, words
):
    settings.CUSTODIAN_BREAK_GLASS_MINUTES = minutes
    client = console(field_tech)
    offered = client.get(f"/staff/customers/{customer.pk}/").content.decode()
    assert f"It lasts at most {words}, is logged" in offered
    ask = {"purpose": "resolving_problems", "reason": "Gas smell reported at the premise"}
    confirm = client.post(f"/staff/customers/{customer.pk}/break-glass/", ask).content.decode()
    assert f"<dd>At most {words}, for this customer only</dd>" in confirm


@pytest.mark.parametrize("minutes", ["61", "600", "0"])
def test_a_length_past_the_hour_stops_the_app_at_start_up(tmp_path, minutes):
    env = {
        "CUSTODIAN_BREAK_GLASS_MINUTES": minutes,
        "PATH": "/usr/bin:/bin",
        "CUSTODIAN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert (
        f"CUSTODIAN_BREAK_GLASS_MINUTES={minutes}: emergency access lasts between 1 and 60" in result.stderr
    )
