"""A denial is recorded even when the caller's own transaction rolls back (usually because of the denial).

Inside a caller's transaction the gate writes the denial on a connection of its own: at once on PostgreSQL,
and on SQLite as soon as the caller's transaction lets go of the write lock."""

import pytest
from django.db import transaction

from custodian.audit.events import settle_detached
from custodian.audit.models import AccessEvent
from custodian.disclosures.models import DisclosureRequest
from custodian.disclosures.services import DisclosureRefused
from custodian.testing import disclosed
from custodian.vault.gate import Denied, reveal, reveal_many, staff_actor


class CallerFailed(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_denial_survives_the_callers_rollback(marketer, customer):
    actor = staff_actor(marketer)
    with pytest.raises(CallerFailed), transaction.atomic():
        try:
            reveal(actor=actor, customer_id=customer.pk, fields=["bank_account"], purpose="billing")
        except Denied:
            raise CallerFailed from None
    with pytest.raises(CallerFailed), transaction.atomic():
        try:
            reveal_many(actor=actor, customer_ids=[customer.pk], fields=["bank_account"], purpose="billing")
        except Denied:
            raise CallerFailed from None
    settle_detached()
    denials = AccessEvent.objects.filter(actor_id=str(marketer.pk), decision="deny")
    assert sorted(denials.values_list("action", flat=True)) == ["bulk_reveal", "reveal"]


@pytest.mark.django_db(transaction=True)
def test_an_allowed_read_rolled_back_by_its_caller_leaves_no_event(billing_clerk, customer):
    # The allow event shares the read's transaction: no event, and the caller kept nothing either.
    with pytest.raises(CallerFailed), transaction.atomic():
        reveal(actor=staff_actor(billing_clerk), customer_id=customer.pk, fields=["name"], purpose="billing")
        raise CallerFailed
    settle_detached()
    assert not AccessEvent.objects.filter(actor_id=str(billing_clerk.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_disclosure_stays_on_record_when_the_caller_rolls_back(customer, privacy_officer):
    with pytest.raises(CallerFailed), transaction.atomic():
        try:
            broker = ("Curious Data Broker", "1 Main St")
            disclosed(privacy_officer, [customer.pk], broker, ["name"], "resale", ("consent", 424242))
        except DisclosureRefused:
            raise CallerFailed from None
    settle_detached()
    refused = DisclosureRequest.objects.get()
    assert (refused.outcome, refused.recipient_name) == ("refused", "Curious Data Broker")
    assert "no consent" in refused.reason
