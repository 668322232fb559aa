""" "Delete my data" does what its answer says, category by category: every category of the policy file is on
exactly one side of the answer (kept, with why and until when, or deleted now), and so is every document the
portal writes. The online account goes with the address it signs in with, so a data access request answered
afterwards names no e-mail address "you sign in with". The bank account for automatic payment is deleted and
automatic payment stopped, the customer told, unless a payment already sent to our bank is still to be taken
from it (kept until that day, then deleted by the daily run). The facts for the protections against
disconnection are kept while they protect an open account, and deleted otherwise. Every written consent still
standing is revoked by the erasure (the customer's sign-in goes, so they could not revoke it online) and kept
on the record, the answer listing it among what is kept, with why: nothing more is disclosed under it."""

import ast
import importlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.casework.data_requests import package_build
from custodian.collecting.facts import ProtectionFacts
from custodian.collecting.models import ProtectionOnFile
from custodian.collecting.services import protection_facts_record
from custodian.disclosures.models import Consent
from custodian.disclosures.services import DisclosureRefused
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import message_send
from custodian.payments.autopay import ach_export_run
from custodian.payments.models import Autopay
from custodian.policy.loader import current_policy
from custodian.portal.models import PortalAccount
from custodian.retention.erasure import categories_answered, erasure_carry_out, erasure_later_finish
from custodian.retention.models import ErasureRecord
from custodian.retention.online_accounts import online_account_documents
from custodian.testing import CO_OP, consent_given, disclosed, letter_text
from custodian.testing.every_category import BY_PHONE, verified_access_request
from custodian.testing.portal import enrol, password_again, signed_in
from custodian.vault.gate import staff_actor
from custodian.vault.models import PersonalValue, SealedDocument
from custodian.vault.services import blind_index_of

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# The portal's calls that seal a document, by module, each with where its ref starts. A new call (a new kind
# of document the portal writes) fails the walk below until it is here and the erasure decides its side.
PORTAL_DOCUMENTS = {
    "services.py": ["portal-signup:"],  # the address an online account signs in with
    "email_change.py": ["portal-email-change:"],  # a new address waiting to be confirmed
}
SEALS = {"document_seal", "documents_seal_many"}


def _sealing_calls(path: Path) -> int:
    tree = ast.parse(path.read_text())
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in SEALS
    )


def test_every_category_of_the_policy_file_is_on_exactly_one_side_of_the_answer():
    answered = [category for category, _side in categories_answered()]
    policy = set(current_policy().categories)
    assert sorted(c for c in policy if answered.count(c) != 1) == []  # none left out, none on two sides
    assert set(answered) <= policy


def test_every_document_the_portal_writes_goes_with_the_online_account():
    modules = [p for p in PORTAL.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    sealing = {p.name: _sealing_calls(p) for p in modules if _sealing_calls(p)}
    assert sealing == {name: len(kinds) for name, kinds in PORTAL_DOCUMENTS.items()}
    written = {kind for kinds in PORTAL_DOCUMENTS.values() for kind in kinds}
    assert written <= set(online_account_documents())


def test_alice_s_sign_in_address_goes_with_her_online_account(households, privacy_officer, open_request):
    (alice, app), (bob, bob_app) = households
    client = password_again(signed_in(app, "ann.signin@example.com"))
    signed_in(bob_app, "bob.signin@example.com")
    assert SealedDocument.objects.filter(customer=alice, ref__startswith="portal-signup:").exists()
    page = client.get("/portal/me/delete-my-data/").content.decode()
    assert "the e-mail address you gave to sign in with it" in page

    client.post("/portal/me/delete-my-data/", {"understood": "on"})
    assert not SealedDocument.objects.filter(customer=alice, ref__startswith="portal-signup:").exists()
    assert SealedDocument.objects.filter(customer=bob, ref__startswith="portal-signup:").exists()
    # A data access request answered afterwards names no address she signs in with: she has no online account.
    req = verified_access_request(alice, app, privacy_officer, open_request)
    text = package_build(actor=staff_actor(privacy_officer), request=req).text
    assert "sign in to My account with" not in text and "ann.signin@example.com" not in text


def test_a_sign_up_replaced_before_it_was_confirmed_leaves_no_address_behind(households):
    (alice, app), _ = households
    enrol(Client(), app, "first@example.com")
    enrol(Client(), app, "second@example.com")  # the first, never confirmed, gives way
    assert SealedDocument.objects.filter(customer=alice, ref__startswith="portal-signup:").count() == 1


def test_addresses_of_online_accounts_already_gone_are_deleted(households):
    (alice, app), (bob, bob_app) = households
    signed_in(app, "ann.signin@example.com")
    signed_in(bob_app, "bob.signin@example.com")
    # Alice's online account deleted as it was before its address went with it.
    PortalAccount.objects.filter(customer=alice).delete()
    assert SealedDocument.objects.filter(customer=alice, ref__startswith="portal-signup:").exists()
    migration = importlib.import_module("custodian.portal.migrations.0004_sign_up_addresses_of_no_account")
    migration.deleted(django_apps, None)
    assert not SealedDocument.objects.filter(customer=alice, ref__startswith="portal-signup:").exists()
    assert SealedDocument.objects.filter(customer=bob, ref__startswith="portal-signup:").exists()


def _bank_accounts(customer) -> int:
    return PersonalValue.objects.filter(customer_id=customer.pk, field="bank_account").count()


def test_ostby_s_bank_account_is_deleted_and_automatic_payment_stopped(
    on_autopay, privacy_officer, open_request
):
    ostby = on_autopay[0].customer
    record = erasure_carry_out(customer=ostby, requested_via="phone")
    assert _bank_accounts(ostby) == 0
    assert not Autopay.objects.get(account=on_autopay[0]).active
    assert Autopay.objects.get(account=on_autopay[1]).active  # another household's is untouched
    text = letter_text(record.answer_letter)
    assert "Your bank account for automatic payment (giving it was voluntary)" in text
    assert "automatic payment of your bills stops today, so pay them yourself" in text
    assert record.deletes_later == {}
    # A data request answered afterwards shows no bank account.
    req = verified_access_request(ostby, None, privacy_officer, open_request, account_number="0060000000")
    text = package_build(actor=staff_actor(privacy_officer), request=req).text
    assert "5550001" not in text and "Bank account for automatic payment:" not in text


def test_a_payment_in_flight_keeps_the_bank_account_until_it_is_taken(on_autopay, bank, privacy_officer):
    vendor, _ = bank
    taken_on = timezone.localdate() + timedelta(days=2)
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=taken_on)
    ostby = on_autopay[0].customer
    record = erasure_carry_out(customer=ostby, requested_via="phone")
    assert not Autopay.objects.get(account=on_autopay[0]).active  # no further payment is taken
    text = letter_text(record.answer_letter)
    assert "Bank account for automatic payment: kept until" in text and "then deleted" in text
    assert "A payment sent to our bank before you asked is taken from this bank account on" in text
    assert "Your bank account for automatic payment (giving it" not in text  # one side only
    assert record.deletes_later == {"bank_account": (taken_on + timedelta(days=1)).isoformat()}

    held = _bank_accounts(ostby)  # the current one and an earlier one
    assert erasure_later_finish(as_of=taken_on) == 0 and held > 0
    assert erasure_later_finish(as_of=taken_on + timedelta(days=1)) == held and _bank_accounts(ostby) == 0
    assert _bank_accounts(on_autopay[1].customer) > 0


def test_the_daily_run_deletes_what_was_kept_until_a_day_now_past(
    on_autopay, bank, privacy_officer, monkeypatch
):
    vendor, _ = bank
    today = timezone.localdate()
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=today)
    ostby = on_autopay[0].customer
    erasure_carry_out(customer=ostby, requested_via="phone")
    call_command("retention_run")
    assert _bank_accounts(ostby) > 0  # today's debit is still being taken
    # The next day's run.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    call_command("retention_run")
    assert _bank_accounts(ostby) == 0


def _facts(customer, facts: ProtectionFacts) -> None:
    protection_facts_record(customer_id=customer.pk, facts=facts, submission=BY_PHONE)


def test_protection_facts_are_kept_while_they_protect_an_open_account(households):
    (alice, app), _ = households
    _facts(alice, ProtectionFacts(income_verified_on=date(2026, 9, 17), income_basis="assistance_provider"))
    client = password_again(signed_in(app, "alice@example.org"))
    page = client.get("/portal/me/delete-my-data/").content.decode()
    label = current_policy().categories["disconnection_protection"].label
    assert label in page and "They protect you from disconnection" in page
    assert "Your facts for the protections against disconnection" not in page
    client.post("/portal/me/delete-my-data/", {"understood": "on"})
    assert PersonalValue.objects.filter(customer=alice, field="disconnection_protection").exists()
    assert ProtectionOnFile.objects.filter(customer=alice).exists()
    text = letter_text(ErasureRecord.objects.get(customer=alice).answer_letter)
    assert f"{label}: kept while your account is open, then 6 years after it closes." in text


def test_protection_facts_that_protect_nothing_now_are_deleted(households):
    (_, _), (bob, _) = households
    # A medical certification that ran out long ago protects nothing now.
    _facts(
        bob,
        ProtectionFacts(medical_certified_on=date(2025, 1, 6), medical_certifier="licensed medical doctor"),
    )
    record = erasure_carry_out(customer=bob, requested_via="paper")
    assert not PersonalValue.objects.filter(customer=bob, field="disconnection_protection").exists()
    assert not ProtectionOnFile.objects.filter(customer=bob).exists()
    text = letter_text(record.answer_letter)
    assert "Your facts for the protections against disconnection" in text
    assert "They protect you from disconnection" not in text


def test_alice_s_written_consent_is_revoked_by_her_erasure_and_kept(households, privacy_officer):
    (alice, app), (bob, _) = households
    today = timezone.localdate()
    standing = consent_given(alice, method="electronic", text_shown="I agree")
    expired = consent_given(
        alice,
        method="electronic",
        text_shown="I agree",
        expires_on=today - timedelta(days=1),
        signed_at=timezone.now() - timedelta(days=30),
    )
    bobs = consent_given(bob, method="electronic", text_shown="I agree")
    client = password_again(signed_in(app, "alice@example.org"))
    page = client.get("/portal/me/delete-my-data/").content.decode()
    kept = page.split("What we delete now")[0].split("What we must keep, and why")[-1]  # the kept table
    assert "Your written consent to give your data to someone outside the utility" in kept  # the one standing
    assert "revoked today" in kept and "nothing more is given under them" in kept

    client.post("/portal/me/delete-my-data/", {"understood": "on"})
    standing = Consent.objects.select_related("revocation").get(pk=standing.pk)  # kept on the record
    assert standing.revocation.how == "erasure request" and standing.lapse() == "revoked"
    assert not hasattr(Consent.objects.get(pk=expired.pk), "revocation")  # it stood no longer: left as it was
    assert not hasattr(Consent.objects.get(pk=bobs.pk), "revocation")
    assert AccessEvent.objects.filter(
        action="consent_revoked", customer_id=str(alice.pk), actor_kind="customer"
    ).exists()
    assert "revoked today" in letter_text(ErasureRecord.objects.get(customer=alice).answer_letter)

    # The privacy officer can disclose nothing more under it.
    with pytest.raises(DisclosureRefused, match="the consent was revoked"):
        disclosed(privacy_officer, [alice.pk], CO_OP, ["name"], "home energy audit", ("consent", standing.pk))


def test_an_erasure_recorded_by_staff_revokes_in_their_name(households, service_rep):
    (alice, _), _ = households
    consent = consent_given(alice, method="electronic", text_shown="I agree")
    erasure_carry_out(customer=alice, requested_via="phone", recorded_by=service_rep)
    revocation = Consent.objects.select_related("revocation").get(pk=consent.pk).revocation
    assert (revocation.how, revocation.recorded_by) == ("erasure request", service_rep)


def _digest_holders(digests: list[str]) -> list[str]:
    """Every table's text column holding one of `digests` (a blind index, or the 60 characters of one a
    sign-in's name keeps): walks every model, so a new column of blind indexes is covered unnamed."""
    found = []
    for model in django_apps.get_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, (models.CharField, models.TextField)):
                continue
            for digest in digests:
                if model._default_manager.filter(**{f"{f.attname}__contains": digest[:60]}).exists():
                    found.append(f"{model._meta.label}.{f.name}")
    return found


def test_no_blind_index_of_alice_s_deleted_addresses_remains_anywhere(households):
    """Alice signs up with one address, has another and a telephone number on file, and was written to at
    each (one of them an auto-reply to a message she sent, not on her account): after her erasure no table
    holds a keyed digest of any of them, so nobody holding the blind-index key can tell they were hers. The
    messages themselves stay, as the answer says; Bob's address keeps its index."""
    (alice, app), (bob, bob_app) = households
    signed_in(app, "ann.signin@example.com")
    signed_in(bob_app, "bob.signin@example.com")
    on_file = app.personal["email"]
    for n, address in enumerate((on_file, "ann.signin@example.com")):
        reply = {"template": "request_received", "context": {"request_id": n}, "sent_by_job": "mail_import"}
        message_send(to_address=address, **reply)
    deleted = [blind_index_of("email", a) for a in (on_file, "ann.signin@example.com")]
    deleted.append(blind_index_of("phone", app.personal["phone"]))
    assert OutboundMessage.objects.filter(to_address_index__in=deleted).count() >= 3
    messages = OutboundMessage.objects.count()

    erasure_carry_out(customer=alice, requested_via="portal")
    assert _digest_holders(deleted) == []
    assert OutboundMessage.objects.count() == messages + 1  # the answer's letter added, nothing taken away
    assert OutboundMessage.objects.filter(to_address_index=blind_index_of("email", "bob.signin@example.com"))
