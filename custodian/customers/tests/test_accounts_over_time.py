"""Accounts open and close; premises and their meters stay with the premise when customers change."""

from datetime import date

import pytest

from conftest import PAPER_FORM, application_for
from custodian.customers.choices import AccountRole, CloseReason
from custodian.customers.models import Account, Customer, Premise, ServicePoint
from custodian.customers.selectors import accounts_of, accounts_open_on, current_premises
from custodian.customers.services import (
    AccountError,
    account_start,
    account_stop,
    account_transfer,
    customer_enrol,
)
from custodian.policy.loader import current_policy
from custodian.vault.gate import customer_actor


def _premise_of(customer) -> Premise:
    return current_premises(customer.pk).get()


def test_enrolment_opens_an_account_that_records_the_notice_shown(customer):
    account = Account.objects.get(customer=customer)
    assert account.is_open and account.role == AccountRole.OCCUPANT
    shown = current_policy().notices["account_application"]
    assert (account.opened_notice_key, account.opened_notice_version) == (shown.key, shown.version)


def test_move_out_then_move_in_keeps_the_premise_and_its_meters(customer):
    premise = _premise_of(customer)
    meters = set(premise.service_points.values_list("meter_number", flat=True))
    old = Account.objects.get(customer=customer)
    account_stop(account_id=old.pk, closed_on=date(2026, 12, 15))
    old.refresh_from_db()
    assert old.closed_on == date(2026, 12, 15) and old.close_reason == CloseReason.MOVE_OUT
    assert not Customer.objects.get(pk=customer.pk).is_active  # no open account left
    newcomer = account_start(
        premise_id=premise.pk,
        opened_on=date(2026, 12, 16),
        application=application_for("Nora New", "nora@example.com", "507-555-0909", "0010000099"),
        submission=PAPER_FORM,
    )
    assert newcomer.premise_id == premise.pk and newcomer.customer_id != customer.pk
    assert newcomer.opened_notice_key == "account_application"
    assert set(ServicePoint.objects.filter(premise=premise).values_list("meter_number", flat=True)) == meters
    assert list(accounts_open_on(date(2026, 12, 15)).filter(premise=premise)) == [old]
    assert list(accounts_open_on(date(2026, 12, 16)).filter(premise=premise)) == [newcomer]


def test_a_premise_with_service_cannot_be_started_again(customer, other_customer):
    premise = _premise_of(customer)
    with pytest.raises(AccountError, match="another customer's name"):
        account_start(premise_id=premise.pk, opened_on=date(2027, 1, 1), customer_id=other_customer.pk)


def test_owner_carries_a_vacant_unit_until_the_next_tenant(customer, other_customer):
    landlord = other_customer
    premise = _premise_of(customer)
    tenant = Account.objects.get(customer=customer)
    account_stop(account_id=tenant.pk, closed_on=date(2027, 1, 31), owner_customer_id=landlord.pk)
    vacancy = Account.objects.get(premise=premise, closed_on__isnull=True)
    assert (vacancy.customer_id, vacancy.role, vacancy.opened_on) == (
        landlord.pk,
        AccountRole.OWNER,
        date(2027, 2, 1),
    )
    assert Premise.objects.get(pk=premise.pk).is_vacant
    returning = account_start(premise_id=premise.pk, opened_on=date(2027, 3, 1), customer_id=customer.pk)
    vacancy.refresh_from_db()
    assert vacancy.closed_on == date(2027, 2, 28) and vacancy.close_reason == CloseReason.TENANT_MOVED_IN
    assert returning.is_open and not Premise.objects.get(pk=premise.pk).is_vacant


def test_transfer_closes_the_old_account_the_day_before_the_new_one_opens(customer):
    other_home = customer_enrol(
        application=application_for("Vera Vacant", "vera@example.com", "507-555-0808", "0010000088"),
        submission=PAPER_FORM,
    )
    target = _premise_of(other_home)
    account_stop(account_id=Account.objects.get(customer=other_home).pk, closed_on=date(2027, 4, 30))
    old = Account.objects.get(customer=customer)
    new = account_transfer(account_id=old.pk, to_premise_id=target.pk, moving_on=date(2027, 5, 1))
    old.refresh_from_db()
    assert old.closed_on == date(2027, 4, 30) and old.close_reason == CloseReason.TRANSFER
    assert new.premise_id == target.pk and new.opened_on == date(2027, 5, 1)
    assert [a.pk for a in accounts_of(fetched_by=customer_actor(customer.pk), customer_id=customer.pk)] == [
        new.pk,
        old.pk,
    ]
    assert Customer.objects.get(pk=customer.pk).is_active


@pytest.mark.parametrize(
    "closed_on, message",
    [(date(2000, 1, 1), "before it started")],
)
def test_bad_stops_are_refused_and_change_nothing(customer, closed_on, message):
    account = Account.objects.get(customer=customer)
    with pytest.raises(AccountError, match=message):
        account_stop(account_id=account.pk, closed_on=closed_on)
    account.refresh_from_db()
    assert account.is_open
    account_stop(account_id=account.pk, closed_on=date(2027, 1, 1))
    with pytest.raises(AccountError, match="closed on 2027-01-01"):
        account_stop(account_id=account.pk, closed_on=date(2027, 2, 1))
