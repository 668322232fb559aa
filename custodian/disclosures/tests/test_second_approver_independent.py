"""A law enforcement request's second approver is independent of the privacy officer who approves it: never
an account the privacy officer added (or empowered), nor the other way round."""

import pytest

from custodian.disclosures.services import AccountingError
from custodian.testing import colleague_added, police_request


def test_the_second_approver_is_not_an_account_the_first_added(customer, privacy_officer, dba, counsel):
    lars = colleague_added(privacy_officer, "lars.legal", ["legal"], approved_by=dba)
    with pytest.raises(AccountingError, match="independent of the first: lars.legal was added by priya"):
        police_request(customer, privacy_officer, lars)
    assert police_request(customer, privacy_officer, counsel).second_approver == counsel
