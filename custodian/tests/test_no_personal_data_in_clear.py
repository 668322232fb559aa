"""No personal data and no customer's address in clear outside the vault.

One scenario through the public interface, with distinctive canary values: a visitor writes through the
contact form; a customer signs up for the portal, signs in, gives consents (one to a person), updates a
phone number, sends a request, downloads their data, signs out and then fails to sign in (as does someone
with an unknown address); someone types an e-mail address as a staff user name and a staff member mistypes a
password; a staff member looks the customer up and reveals a value through the API and in the console, and
enters a customer's call and a call from someone not yet a customer (casework intake). Then every
table, the SQLite image and WAL, the interval store, the var directory and the captured log and console
output are searched for every canary.

Staff addresses may be kept whole (security records); a customer's address only masked to /24 or /48."""

import logging

from django.conf import settings
from django.test import Client
from django.utils import timezone

from custodian.analytics.models import PageView
from custodian.audit.models import AccessEvent
from custodian.disclosures.models import Consent
from custodian.testing.canaries import scan
from custodian.testing.canary_scenario import (
    CANARIES,
    CUSTOMER_IP,
    NAME,
    PORTAL_EMAIL,
    STAFF_IP,
    run_scenario,
)


def test_no_canary_is_in_clear_anywhere(canary_customer, billing_clerk, console, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    run_scenario(*canary_customer, billing_clerk, console)
    out = capsys.readouterr()
    findings = scan(
        CANARIES,
        texts={"log records": caplog.text, "console output": out.out, "console errors": out.err},
    )
    assert not findings, "personal data in clear:\n" + "\n".join(map(str, findings))


def test_the_scanner_finds_what_it_looks_for(canary_customer):
    """The scan is not vacuous: a canary written in clear into a table, a file or a log is found there."""

    PageView.objects.create(at=timezone.now(), path=f"/{NAME}", browser="", os="", device="", ip_prefix="")
    (settings.CUSTODIAN_INTERVAL_DIR).mkdir(parents=True, exist_ok=True)
    (settings.CUSTODIAN_INTERVAL_DIR / "stray.txt").write_text(CUSTOMER_IP)
    findings = scan(CANARIES, texts={"log records": f"signed in as {PORTAL_EMAIL}"})
    where = {(f.canary.value, f.where.split(",")[0]) for f in findings}
    assert (NAME, "table analytics_pageview") in where
    assert any(v == CUSTOMER_IP and w.startswith("file ") for v, w in where)
    assert (PORTAL_EMAIL, "log records") in where


def test_customer_addresses_are_masked_and_staff_addresses_kept_whole(
    canary_customer, billing_clerk, console
):
    run_scenario(*canary_customer, billing_clerk, console)
    by_kind = {}
    for kind, address in AccessEvent.objects.values_list("actor_kind", "client_ip"):
        by_kind.setdefault(kind, set()).add(address)
    assert by_kind["customer"] - {""} == {"198.51.100.0/24"}  # (reads made for the customer by a job: none)
    assert STAFF_IP in by_kind["staff"]
    assert {c.signer_ip for c in Consent.objects.all()} == {"198.51.100.0/24"}
    page = Client().get("/privacy/").content.decode()
    assert "/24 for IPv4, /48 for IPv6" in page and "kept whole" in page
