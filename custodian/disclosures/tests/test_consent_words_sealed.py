"""A consent's own words (who receives the data, how to reach them, for what, the text agreed to) are the
customer's and may name a person: sealed in the vault, read through the gate, never in clear in the table.
Consents recorded before are sealed by the migration that removed the clear columns."""

import importlib
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from custodian.audit.models import AccessEvent
from custodian.disclosures.models import Consent
from custodian.disclosures.selectors import consent_words
from custodian.disclosures.services import consent_record, disclose
from custodian.vault.gate import customer_actor

PERSON = "Ophelia Wrenfield"
CONTACT = "ophelia.wrenfield@example.net"


def test_the_words_are_sealed_and_a_disclosure_still_checks_them(customer, privacy_officer):
    consent = consent_record(
        customer=customer,
        recipient_name=PERSON,
        recipient_contact=CONTACT,
        categories=["name"],
        purpose="my daughter helps with my account",
        covers_from=date(2025, 1, 1),
        signed_at=timezone.now() - timedelta(days=1),
        method="electronic",
        text_shown=f"I consent to giving name to {PERSON} ({CONTACT}).",
    )
    row = Consent.objects.filter(pk=consent.pk).values().get()
    assert not any(PERSON in str(v) or CONTACT in str(v) for v in row.values())
    words = consent_words(
        actor=customer_actor(customer.pk), customer_id=customer.pk, purpose="providing_services"
    )[consent.sealed_ref]
    assert (words.recipient_name, words.recipient_contact) == (PERSON, CONTACT)

    done = disclose(
        requested_by=privacy_officer,
        customer_ids=[customer.pk],
        recipient_name=PERSON.upper(),
        recipient_address=CONTACT,
        categories=["name"],
        purpose="My daughter helps with my account",
        basis_kind="consent",
        basis_id=consent.pk,
    )
    assert done.request.outcome == "disclosed"
    # Reading the consent's words is a read like any other: logged, naming who started it.
    read = AccessEvent.objects.filter(action="reveal_documents", actor_id="disclosures").latest("seq")
    assert (read.decision, read.on_behalf_of, read.customer_id) == (
        "allow",
        "priya.privacy",
        str(customer.pk),
    )


def test_the_migration_seals_the_words_of_consents_recorded_before(customer):
    """The data step of the migration, on rows shaped as they were before it."""
    migration = importlib.import_module("custodian.disclosures.migrations.0006_consent_words_sealed")
    saved = []

    class Row(SimpleNamespace):
        def save(self, update_fields):
            saved.append((self.pk, self.sealed_ref, tuple(update_fields)))

    rows = [
        Row(
            pk=1,
            customer_id=customer.pk,
            method="electronic",
            sealed_ref="",
            recipient_name=PERSON,
            recipient_contact=CONTACT,
            purpose="help with my bills",
            text_shown="I consent …",
        )
    ]

    class Query(list):
        def filter(self, **kw):
            return Query(r for r in self if all(getattr(r, k) == v for k, v in kw.items()))

        def order_by(self, *a):
            return self

        def iterator(self):
            return iter(self)

    apps = SimpleNamespace(get_model=lambda *a: SimpleNamespace(objects=Query(rows)))
    migration.seal_existing(apps, None)
    [(pk, ref, fields)] = saved
    assert pk == 1 and ref.startswith("consent:") and fields == ("sealed_ref",)
    words = consent_words(
        actor=customer_actor(customer.pk), customer_id=customer.pk, purpose="providing_services"
    )
    assert words[ref].recipient_name == PERSON and words[ref].text_shown == "I consent …"
    migration.seal_existing(apps, None)  # re-run: rows already sealed are left alone
    assert len(saved) == 1
