"""Colin in collections sees what collecting a payment needs and no more: the customer's bank details by
their last four digits (as a letter shows them; no task of his needs the whole number), and the home's facts
(type, heating, ZIP) on neither the customer's page nor the account's, since collections may not read the
home's address. The billing clerk, whose purposes read the service address, sees the facts on both, and on
the account's page they are named in the read of its bills (logged)."""

from custodian.audit.models import AccessEvent
from custodian.testing import TEST_ROUTING

FACTS = "ZIP 55060"


def test_collections_sees_bank_details_masked(console, collections_agent, customer):
    page = console(collections_agent).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["bank_account"], "purpose": "collecting_payments"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and "•••••6789" in html
    assert "123456789" not in html and TEST_ROUTING not in html


def test_the_homes_facts_follow_one_rule_on_both_pages(console, collections_agent, billing_clerk, customer):
    account = customer.accounts.get()
    for member, sees in ((collections_agent, False), (billing_clerk, True)):
        client = console(member)
        customer_page = client.get(f"/staff/customers/{customer.pk}/").content.decode()
        account_page = client.get(f"/staff/billing/accounts/{account.pk}/").content.decode()
        assert (FACTS in customer_page) is sees and (FACTS in account_page) is sees
        assert ("shown where the bills are read for a purpose that may read its address" in account_page) is (
            not sees
        )
        # Shown, the home's facts are named in the page's read, beside the bills and the account number.
        read = AccessEvent.objects.filter(actor_id=str(member.pk), action="reveal_documents").latest("pk")
        assert read.categories.split(",") == [
            "bills",
            *(["service_address"] if sees else []),
        ]
