"""Marketing never includes a customer who opted out, whatever the set of opt-outs (hypothesis), and the
gate refuses marketing reads of an opted-out customer even if a caller forgets to filter."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from custodian.console.marketing import AudienceFilter, audience_build
from custodian.customers.models import Customer
from custodian.demo.services import demo_customers_ensure
from custodian.staff.services import staff_member_create
from custodian.vault.gate import Denied, reveal, reveal_many, staff_actor
from custodian.vault.models import PersonalValue, ReadHold
from custodian.vault.services import Submission, marketing_preference_set

PORTAL = Submission(channel="portal", notice_key="portal_profile")


class TestAudiences(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_customers_ensure(count=24, seed=5)
        cls.marketer = staff_member_create(
            username="m", password="x" * 16, full_name="M O", services=["marketing"]
        )

        cls.ids = sorted(Customer.objects.values_list("pk", flat=True))
        # 24 customers are past the hourly limit of a marketer's reads: the privacy officer approved this
        # campaign's (what is tested here is who is in the audience, not the hold).
        ReadHold.objects.create(
            user=cls.marketer,
            purpose="marketing",
            customers_in_hour=24,
            threshold=20,
            status=ReadHold.Status.APPROVED,
            approved_until=timezone.now() + timedelta(days=1),
        )

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_no_opted_out_customer_is_ever_in_an_audience(self, data):
        out = set(data.draw(st.sets(st.sampled_from(self.ids))))
        back_in = set(data.draw(st.sets(st.sampled_from(sorted(out))))) if out else set()
        for cid in out:
            marketing_preference_set(customer=Customer(pk=cid), opted_out=True, submission=PORTAL)
        for cid in back_in:  # opted back in later: the latest choice counts
            marketing_preference_set(customer=Customer(pk=cid), opted_out=False, submission=PORTAL)
        rows = audience_build(actor=staff_actor(self.marketer), f=AudienceFilter())
        got = {r["customer_id"] for r in rows}
        assert got.isdisjoint(out - back_in)
        assert got == set(self.ids) - (out - back_in)
        PersonalValue.objects.filter(field="marketing_preference").delete()


@pytest.mark.django_db
def test_the_gate_refuses_marketing_reads_of_opted_out_customers(marketer, customer, other_customer):
    marketing_preference_set(customer=customer, opted_out=True, submission=PORTAL)
    with pytest.raises(Denied) as err:
        reveal(actor=staff_actor(marketer), customer_id=customer.pk, fields=["email"], purpose="marketing")
    assert err.value.reason == "the customer opted out of marketing"
    with pytest.raises(Denied):
        reveal_many(
            actor=staff_actor(marketer),
            customer_ids=[customer.pk, other_customer.pk],
            fields=["email"],
            purpose="marketing",
        )
    assert reveal(
        actor=staff_actor(marketer), customer_id=other_customer.pk, fields=["email"], purpose="marketing"
    )
