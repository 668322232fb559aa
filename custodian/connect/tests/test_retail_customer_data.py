"""ESPI's retail customer data (function blocks 51 to 70: RetailCustomer, Customer, CustomerAccount,
CustomerAgreement, ServiceLocation) is not given to third parties: the policy's Connect My Data basis gives
them meter data and, for usage summaries, the bills. A scope string asking for it is refused by number with
that reason, at registration as anywhere a scope is read, and the gate refuses a third party the categories
it would hold."""

import pytest
from django.test import Client

from custodian.connect.scopes import ScopeError, scope_parse
from custodian.policy.loader import current_policy
from custodian.testing.connect import REGISTRATION
from custodian.vault.gate import policy_decision, third_party_actor

CUSTOMER_DATA = "FB=1_3_4_5_13_14_39_51_53_54_57_58;IntervalDuration=3600;HistoryLength=13"


def test_a_scope_asking_for_retail_customer_data_is_refused_by_number_with_the_reason():
    with pytest.raises(ScopeError) as refusal:
        scope_parse(CUSTOMER_DATA)
    assert "function block 51 is retail customer data" in str(refusal.value)
    assert "privacy policy does not give third parties" in str(refusal.value)
    for fb in (54, 57, 58, 70):
        with pytest.raises(ScopeError, match=f"function block {fb} is retail customer data"):
            scope_parse(f"FB=1_4_5_{fb}")


def test_the_registration_page_refuses_it_and_registers_nothing(db):
    response = Client().post("/connect/register/", {**REGISTRATION, "scopes": CUSTOMER_DATA})
    assert response.status_code == 400
    assert "function block 51 is retail customer data" in response.content.decode()


def test_the_policy_gives_a_third_party_none_of_the_customers_name_account_or_addresses():
    """What the refusal rests on: the gate's decision under the policy's Connect My Data basis, for each
    purpose a third party reads for (its own and the usage summaries'), refuses every category RetailCustomer
    would carry."""
    policy = current_policy()
    basis = policy.disclosure_bases["connect_my_data"]
    actor = third_party_actor(1, "Sunny Solar Analytics", 1)
    for purpose in (basis["purpose"], basis["usage_summaries"]["purpose"]):
        for category in ("name", "account_number", "service_address", "mailing_address"):
            decision = policy_decision(policy, actor, purpose, [category])
            assert not decision.allowed, (purpose, category)
