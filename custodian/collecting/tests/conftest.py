import pytest
from django.utils import timezone

from custodian.collecting.services import payment_agreement_request
from custodian.testing import bill_charged


@pytest.fixture
def asked(customer):
    """Alice's account with $764.36 past due (September's bill, due October 22) and her request for a
    payment agreement."""
    account = customer.accounts.get()
    bill_charged(account, 9, "764.36")
    return payment_agreement_request(account_id=account.pk, requested_on=timezone.localdate())
