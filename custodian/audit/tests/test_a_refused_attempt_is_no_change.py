"""A refused attempt on a customer's data that named no purpose of the policy (a read asked for a purpose the
policy doesn't name, an incomplete emergency access form) is told to the customer as the attempt it was, in
their language, never as "a change to your account"."""

import pytest
from django.utils import translation

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import OTHER_CHANGE, seen_in_words
from custodian.vault.gate import Denied, reveal, staff_actor


def test_a_read_refused_for_a_purpose_the_policy_does_not_name_is_told_as_a_read(customer, service_rep):
    with pytest.raises(Denied):
        reveal(actor=staff_actor(service_rep), customer_id=customer.pk, fields=["email"], purpose="curiosity")
    event = AccessEvent.objects.filter(customer_id=str(customer.pk), decision="deny").latest("seq")
    (told,) = seen_in_words([event])
    assert told.why == "Asked to see your data without a purpose our privacy policy names"
    assert told.why != str(OTHER_CHANGE)
    with translation.override("es"):
        (told,) = seen_in_words([event])
    assert told.why.startswith("Pidió ver sus datos")
