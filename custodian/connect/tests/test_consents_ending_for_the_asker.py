"""The consents ending soon, for the portal home, take the asker: the customer themself and a representative
whose authority covers consents are told; another customer and a representative limited to the usage are
told nothing (nor that there are any), without a query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from custodian.connect.selectors import authorizations_of_customer, consents_ending
from custodian.testing import consent_given
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import Denied


def test_the_customer_and_whom_they_authorised_for_consents_are_told(
    customer, other_customer, service_rep, django_assert_num_queries
):
    today = timezone.localdate()
    ends = today + timedelta(days=10)
    consent_given(customer, method="electronic", expires_on=ends, text_shown="I agree")
    until = today + timedelta(days=30)
    who = askers(customer, other_customer, service_rep)
    told = [{"ends_on": ends, "app": None}]
    assert consents_ending(fetched_by=who.mine, customer_id=customer.pk, on=today, until=until) == told
    rep = representative_asker(customer, service_rep, scope=("view", "consents"))
    assert consents_ending(fetched_by=rep, customer_id=customer.pk, on=today, until=until) == told
    for asker in (who.other, who.usage_only):
        with django_assert_num_queries(0):
            assert consents_ending(fetched_by=asker, customer_id=customer.pk, on=today, until=until) == []
    with pytest.raises(Denied):
        authorizations_of_customer(fetched_by=who.usage_only)
    assert authorizations_of_customer(fetched_by=rep) == []
