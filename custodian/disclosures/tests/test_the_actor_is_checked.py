"""The disclosure services check who asks themselves, whatever the caller checked: only the privacy officer
discloses, exports, registers and revokes vendors; a refusal is recorded; the access events of a disclosure
or an export name the staff member it was made for."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from custodian.audit.events import CHANGE_ACTIONS
from custodian.audit.models import AccessEvent
from custodian.disclosures.exports import ExportRefused, vendor_export_run
from custodian.disclosures.models import DisclosureRequest
from custodian.disclosures.services import (
    AccountingError,
    DisclosureRefused,
    vendor_register,
    vendor_revoke,
)
from custodian.testing import CO_OP, consent_given, disclosed, mailing_to, vendor_with_determination
from custodian.vault.export_crypto import new_vendor_keypair


@pytest.fixture
def consent(customer, privacy_officer):
    return consent_given(
        customer,
        method="paper",
        verified_by=privacy_officer,
        scan=b"%PDF scanned consent",
    )


def _disclose(consent, customer, by):
    return disclosed(by, [customer.pk], CO_OP, ["name"], "home energy audit", ("consent", consent.pk))


@pytest.mark.parametrize("who", ["billing_clerk", "service_rep", "dba", None])
def test_only_the_privacy_officer_discloses(request, who, consent, customer):
    by = request.getfixturevalue(who) if who else None
    with pytest.raises(DisclosureRefused, match="only the privacy officer"):
        _disclose(consent, customer, by)
    assert DisclosureRequest.objects.get().outcome == "refused"
    assert not AccessEvent.objects.filter(decision="allow").exclude(action__in=CHANGE_ACTIONS).exists()


def test_a_disclosure_names_the_officer_it_was_made_for(consent, customer, privacy_officer):
    _disclose(consent, customer, privacy_officer)
    event = AccessEvent.objects.get(action="disclosure")
    assert (event.actor_kind, event.actor_id, event.on_behalf_of) == (
        "system",
        "disclosures",
        "priya.privacy",
    )


def test_only_the_privacy_officer_runs_an_export_and_it_names_them(privacy_officer, billing_clerk, customer):
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer)
    with pytest.raises(TypeError):
        vendor_export_run(vendor=vendor)  # who asks is not optional
    for by in (billing_clerk, None):
        with pytest.raises(ExportRefused, match="only the privacy officer"):
            vendor_export_run(vendor=vendor, requested_by=by)
    assert DisclosureRequest.objects.filter(outcome="refused").count() == 2
    vendor_export_run(vendor=vendor, requested_by=privacy_officer, **mailing_to(customer))
    event = AccessEvent.objects.get(action="vendor_export")
    assert (event.actor_kind, event.actor_id, event.on_behalf_of) == (
        "vendor",
        str(vendor.pk),
        "priya.privacy",
    )


def test_only_the_privacy_officer_registers_and_revokes_vendors(privacy_officer, billing_clerk):
    today = timezone.localdate()
    details = dict(
        name="Acme",
        function="mailing",
        contact="x",
        contract_start=today,
        contract_end=today + timedelta(days=9),
        public_key=new_vendor_keypair()[1],
    )
    with pytest.raises(AccountingError, match="privacy officer registers"):
        vendor_register(registered_by=billing_clerk, **details)
    vendor = vendor_register(registered_by=privacy_officer, **details)
    with pytest.raises(AccountingError, match="privacy officer revokes"):
        vendor_revoke(vendor=vendor, revoked_by=billing_clerk)
    vendor.refresh_from_db()
    assert vendor.revoked_at is None
    vendor_revoke(vendor=vendor, revoked_by=privacy_officer)
    vendor.refresh_from_db()
    assert vendor.revoked_at is not None


def test_the_export_command_names_the_officer(capsys, privacy_officer, billing_clerk, customer):
    vendor, _ = vendor_with_determination(function="mailing", officer=privacy_officer)
    with pytest.raises(CommandError):
        call_command("vendor_export", "--vendor", str(vendor.pk))
    with pytest.raises(CommandError, match="only the privacy officer"):
        call_command("vendor_export", "--vendor", str(vendor.pk), "--by", "bill.clerk")
    with pytest.raises(CommandError, match="names what is being mailed"):
        call_command("vendor_export", "--vendor", str(vendor.pk), "--by", "priya.privacy")
    with pytest.raises(CommandError, match="customers"):
        call_command("vendor_export", "--vendor", str(vendor.pk), "--customers", "one,two")
    mailed = ["--mailing", "A planned outage notice", "--customers", str(customer.pk)]
    call_command("vendor_export", "--vendor", str(vendor.pk), "--by", "priya.privacy", *mailed)
    assert "export" in capsys.readouterr().out
    assert AccessEvent.objects.filter(action="vendor_export", on_behalf_of="priya.privacy").count() == 1
