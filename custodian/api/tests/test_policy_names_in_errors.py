"""The API names a mistake in the request itself: a field or purpose the policy does not name is said by
name (422). The policy's names are public, so saying which is unknown tells nothing about any customer; the
answer is the same for a customer who exists and one who does not."""

import pytest
from django.test import Client

from custodian.api.services import api_token_create


@pytest.mark.parametrize(
    "path, body, named",
    [
        ("reveal", {"fields": ["zzz"], "purpose": "billing"}, "unknown field 'zzz'"),
        ("reveal", {"fields": ["name"], "purpose": "zz"}, "unknown purpose 'zz'"),
        ("reveal", {"fields": [], "purpose": "billing"}, "fields"),
        ("lookup", {"field": "zz", "value": "x", "purpose": "billing"}, "unknown field 'zz'"),
        (
            "lookup",
            {"field": "bank_account", "value": "x", "purpose": "billing"},
            "no lookup by 'bank_account'",
        ),
        ("lookup", {"field": "email", "value": "x", "purpose": "zz"}, "unknown purpose 'zz'"),
    ],
)
def test_a_field_or_purpose_the_policy_does_not_name_is_named_in_the_error(
    billing_clerk, customer, path, body, named
):
    """The policy's names are public, so the mistake is said (422); the customer's existence is not."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(name='test', user=billing_clerk)[1]}"}
    urls = [f"/api/v1/customers/{pk}/reveal" for pk in (customer.pk, 987654)]
    if path == "lookup":
        urls = ["/api/v1/customers/lookup"]
    answers = [Client().post(url, body, content_type="application/json", **headers) for url in urls]
    assert answers[0].status_code == 422 and named in answers[0].content.decode()
    assert all(a.status_code == 422 and a.json() == answers[0].json() for a in answers)
