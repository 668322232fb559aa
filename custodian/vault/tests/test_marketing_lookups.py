"""A customer who opted out of marketing is not found by a marketing lookup, as they are not read or put in an
audience for marketing: a lookup that found them would tell the marketer they are a customer and log a
marketing access the customer said no to."""

from custodian.audit.models import AccessEvent
from custodian.vault.gate import find_customers, staff_actor
from custodian.vault.services import Submission, marketing_preference_set

PORTAL = Submission(channel="portal", notice_key="portal_profile")


def marketing_lookup(marketer, field, value):
    return find_customers(actor=staff_actor(marketer), field=field, value=value, purpose="marketing")


def test_an_opted_out_customer_is_not_found_for_marketing(marketer, customer):
    assert marketing_lookup(marketer, "email", "alice@example.com") == [customer.pk]
    marketing_preference_set(customer=customer, opted_out=True, submission=PORTAL)
    assert marketing_lookup(marketer, "email", "alice@example.com") == []
    assert marketing_lookup(marketer, "name", "Alice Anderson") == []
    last = AccessEvent.objects.filter(purpose="marketing").latest("seq")
    assert last.customer_id == "" and last.reason == "lookup: no match"


def test_an_opted_out_customer_is_found_again_once_opted_back_in(marketer, customer):
    marketing_preference_set(customer=customer, opted_out=True, submission=PORTAL)
    marketing_preference_set(customer=customer, opted_out=False, submission=PORTAL)
    assert marketing_lookup(marketer, "email", "alice@example.com") == [customer.pk]


def test_opting_out_of_marketing_leaves_other_lookups_alone(billing_clerk, marketer, customer):
    marketing_preference_set(customer=customer, opted_out=True, submission=PORTAL)
    found = find_customers(
        actor=staff_actor(billing_clerk), field="name", value="Alice Anderson", purpose="billing"
    )
    assert found == [customer.pk]
