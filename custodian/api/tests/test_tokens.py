"""API tokens through the command and HTTP: every token has an owner and an expiry and can be listed, expired
and revoked; a vendor token belongs to one registered vendor, reads no customer, reaches only that vendor's
exports, and stops the moment the vendor is revoked, its contract ends or its determination lapses."""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from custodian.api.models import ApiToken
from custodian.audit.models import AccessEvent
from custodian.disclosures.exports import vendor_export_run
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import vendor_revoke
from custodian.policy.loader import current_policy
from custodian.testing import export_text, mailing_to, request_received, vendor_with_determination

TODAY = timezone.localdate()


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token_command(capsys, *args) -> str:
    """Run `api_token create …` and return the secret it printed once."""
    call_command("api_token", "create", *args)
    return capsys.readouterr().out.split("secret (shown once): ", 1)[1].split("\n")[0]


def reveal(client, raw, customer_id, fields, purpose):
    return client.post(
        f"/api/v1/customers/{customer_id}/reveal",
        {"fields": fields, "purpose": purpose},
        content_type="application/json",
        **bearer(raw),
    )


@pytest.fixture
def inquirer(db, service_rep):
    """Someone who wrote in without an account: their contact details are in the vault too."""

    req = request_received(
        kind="other",
        channel="in_person",
        message="Starting service next month.",
        contact={"name": "Dana Moe", "phone": "507-555-0303"},
        recorded_by=service_rep,
        verification="not_a_customer",
    )
    return req.customer


def test_vendor_tokens_never_reveal_nor_look_up_anyone(capsys, privacy_officer, customer, inquirer):
    """The review's case: a mailing vendor's token revealed any customer's name and mailing address (an
    inquirer's too); the payment processor's got the bank account. Now each call is refused and logged."""
    client = Client()
    mailer, _ = vendor_with_determination(function="mailing", officer=privacy_officer, name="Acme Mailing")
    payments, _ = vendor_with_determination(function="payment_processing", officer=privacy_officer)
    mailer_token = token_command(capsys, "--vendor", str(mailer.pk))
    payments_token = token_command(capsys, "--vendor", str(payments.pk))
    for who in (customer, inquirer):
        response = reveal(client, mailer_token, who.pk, ["name", "mailing_address"], "contacting_customers")
        assert response.status_code == 404 and "Alice" not in response.content.decode()
    response = reveal(client, payments_token, customer.pk, ["bank_account"], "collecting_payments")
    assert response.status_code == 404 and "routing" not in response.content.decode()
    lookup = client.post(
        "/api/v1/customers/lookup",
        {"field": "account_number", "value": "0010000001", "purpose": "contacting_customers"},
        content_type="application/json",
        **bearer(mailer_token),
    )
    assert lookup.status_code == 404
    events = AccessEvent.objects.filter(actor_kind="vendor")
    assert events.count() == 4 and set(events.values_list("decision", flat=True)) == {"deny"}
    assert set(events.values_list("actor_id", flat=True)) == {str(mailer.pk), str(payments.pk)}


def test_a_token_is_made_for_a_registered_vendor_not_a_function(capsys, privacy_officer):
    with pytest.raises(CommandError):
        call_command("api_token", "create", "--vendor-function", "mailing")
    with pytest.raises(CommandError, match="no vendor 999999"):
        call_command("api_token", "create", "--vendor", "999999")
    undetermined = Vendor.objects.create(
        name="Not yet",
        function="mailing",
        contact="x",
        contract_start=TODAY,
        contract_end=TODAY + timedelta(days=9),
        public_key="x",
    )
    with pytest.raises(CommandError, match="no current determination"):
        call_command("api_token", "create", "--vendor", str(undetermined.pk))
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer)
    token_command(capsys, "--vendor", str(vendor.pk))
    token = ApiToken.objects.get()
    assert (token.kind, token.vendor, token.owner, token.job) == ("vendor", vendor, None, "")


def _export(officer, vendor, *mailed):
    """An export to `vendor`; to a mailing vendor, of a mailing to the customers `mailed`."""
    return vendor_export_run(vendor=vendor, requested_by=officer, **(mailing_to(*mailed) if mailed else {}))


def test_a_command_made_vendor_token_downloads_its_own_exports_only(
    capsys, tmp_path, privacy_officer, customer, other_customer
):
    client = Client()
    reports, private = vendor_with_determination(function="consumption_reports", officer=privacy_officer)
    other, _ = vendor_with_determination(function="consumption_reports", officer=privacy_officer, name="B")
    export = _export(privacy_officer, reports)
    theirs = _export(privacy_officer, other)
    token = token_command(capsys, "--vendor", str(reports.pk))
    response = client.get(f"/api/v1/exports/{export.pk}/file", **bearer(token))
    assert response.status_code == 200
    assert client.get(f"/api/v1/exports/{theirs.pk}/file", **bearer(token)).status_code == 404
    # What the consumption-report vendor receives: pseudonyms, never a customer's id or name.
    path = tmp_path / "export.bin"
    path.write_bytes(b"".join(response.streaming_content))
    plain = export_text(export, private, path=path, sealed_key=response["X-Export-Sealed-Key"])
    rows = list(csv.DictReader(io.StringIO(plain)))
    assert len(rows) == 2 and "customer_ref" not in rows[0] and "name" not in rows[0]
    assert {r["pseudonym"] for r in rows}.isdisjoint({str(customer.pk), str(other_customer.pk)})
    assert "Alice" not in plain and "Elm Street" not in plain


@pytest.mark.parametrize("ends", ["revoked", "contract_ended", "determination_lapsed"])
def test_a_vendor_token_stops_the_moment_the_vendor_is_no_longer_current(
    ends, capsys, privacy_officer, customer
):
    client = Client()
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer, days=30)
    export = _export(privacy_officer, vendor, customer)
    token = token_command(capsys, "--vendor", str(vendor.pk))
    url = f"/api/v1/exports/{export.pk}/file"
    assert client.get(url, **bearer(token)).status_code == 200
    later = TODAY
    if ends == "revoked":
        vendor_revoke(vendor=vendor, revoked_by=privacy_officer)
    elif ends == "contract_ended":
        Vendor.objects.filter(pk=vendor.pk).update(
            contract_start=TODAY - timedelta(days=60), contract_end=TODAY - timedelta(days=1)
        )
    else:  # the determination's review date passes (the contract still runs)
        Vendor.objects.filter(pk=vendor.pk).update(contract_end=TODAY + timedelta(days=400))
        later = TODAY + timedelta(days=31)
    with mock.patch("custodian.disclosures.services.vendors.timezone.localdate", return_value=later):
        assert client.get(url, **bearer(token)).status_code == 401


def test_tokens_have_an_owner_and_an_expiry_and_are_listed_expired_and_revoked(
    capsys, settings, billing_clerk, privacy_officer, customer
):
    client = Client()
    token = token_command(capsys, "--user", "bill.clerk")
    made = ApiToken.objects.get()
    assert made.owner == billing_clerk
    default = timedelta(days=settings.CUSTODIAN_API_TOKEN_DAYS)
    assert abs(made.expires_at - (made.created_at + default)) < timedelta(seconds=5)
    short = token_command(capsys, "--user", "priya.privacy", "--days", "7", "--name", "audit script")
    assert ApiToken.objects.get(name="audit script").expires_at < timezone.now() + timedelta(days=8)
    for days in ("0", "400"):
        with pytest.raises(CommandError, match="between 1 and 366 days"):
            call_command("api_token", "create", "--user", "bill.clerk", "--days", days)

    call_command("api_token", "list")
    listing = capsys.readouterr().out
    assert "owner bill.clerk" in listing and "owner priya.privacy" in listing and "audit script" in listing

    assert reveal(client, token, customer.pk, ["name"], "billing").status_code == 200
    call_command("api_token", "expire", str(made.pk))
    assert reveal(client, token, customer.pk, ["name"], "billing").status_code == 401

    officer_token = ApiToken.objects.get(name="audit script")
    assert client.get("/api/v1/access-events", **bearer(short)).status_code == 200
    call_command("api_token", "revoke", str(officer_token.pk))
    officer_token.refresh_from_db()
    assert officer_token.revoked_at is not None
    assert client.get("/api/v1/access-events", **bearer(short)).status_code == 401

    capsys.readouterr()
    call_command("api_token", "list")
    assert capsys.readouterr().out.strip() == "no tokens"
    call_command("api_token", "list", "--all")
    listing = capsys.readouterr().out
    assert "expired" in listing and "revoked" in listing


def test_revoking_every_token_of_a_staff_member(capsys, billing_clerk, privacy_officer, api_client_job):
    """Offboarding: the member's own tokens and the job tokens they answer for stop at once."""
    own = token_command(capsys, "--user", "bill.clerk")
    job = token_command(capsys, "--job", "billing_run", "--on-behalf-of", "bill.clerk")
    officer = token_command(capsys, "--user", "priya.privacy")
    call_command("api_token", "revoke", "--user", "bill.clerk")
    assert "2 tokens of bill.clerk revoked" in capsys.readouterr().out
    client = Client()
    assert client.get("/api/v1/access-events", **bearer(own)).status_code == 401
    assert client.get("/api/v1/access-events", **bearer(job)).status_code == 401
    assert client.get("/api/v1/access-events", **bearer(officer)).status_code == 200


def test_no_job_of_the_policy_file_takes_a_token(capsys, billing_clerk):
    """Every job of the shipped policy runs inside Custodian: the bill run's token would have read every
    customer's name, addresses and usage, the disclosures job's every category."""

    for job in current_policy().system_jobs:
        with pytest.raises(CommandError, match="runs inside Custodian"):
            call_command("api_token", "create", "--job", job, "--on-behalf-of", "bill.clerk")
    assert not ApiToken.objects.exists()


def test_a_system_job_token_names_who_answers_for_it_and_only_api_jobs_get_one(
    capsys, billing_clerk, customer, api_client_job
):
    with pytest.raises(CommandError, match="names the active staff member"):
        call_command("api_token", "create", "--job", "billing_run")
    # Jobs that run inside Custodian (disclosures reads every category for legal obligations) take no token.
    with pytest.raises(CommandError, match="runs inside Custodian"):
        call_command("api_token", "create", "--job", "disclosures", "--on-behalf-of", "bill.clerk")
    token = token_command(capsys, "--job", "billing_run", "--on-behalf-of", "bill.clerk")
    assert reveal(Client(), token, customer.pk, ["name"], "billing").status_code == 200
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.actor_kind, event.actor_id, event.on_behalf_of) == ("system", "billing_run", "bill.clerk")
    billing_clerk.is_active = False
    billing_clerk.save()
    assert reveal(Client(), token, customer.pk, ["name"], "billing").status_code == 401
