"""Stopping service and its final bill: the account closes on the last day of service, and once that day
has passed, the bills it still owes (the cycles since its last bill, the last one prorated to the closing
date and marked final) are issued at once, computed by the billing job as any bill is, so the customer who
moves away is not left waiting for the month's bill run. A later bill run finds them billed and skips them.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from custodian.billing.models import Bill
from custodian.billing.reads import previous_cycle
from custodian.billing.services import BILLING_JOB, BilledAccount, BillingError, _bill_chunk, cycle_check
from custodian.billing.tariff import current_tariff
from custodian.customers.choices import CloseReason
from custodian.customers.models import Account, ServiceChange, ServicePoint
from custodian.customers.services import account_stop, service_change_close
from custodian.vault.gate import system_actor


def _cycle_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def cycles_unbilled(account: Account) -> list[str]:
    """The cycles from the account's last current bill (or its opening) to its closing date, unbilled."""
    last = (
        Bill.objects.filter(account=account, is_current=True)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    end = _cycle_of(account.closed_on)
    cycle = end
    out = []
    while cycle > (last or "") and cycle >= _cycle_of(account.opened_on):
        out.append(cycle)
        cycle = previous_cycle(cycle)
    return sorted(out)


def final_bill_issue(*, account_id: int, by=None, issued_on: date | None = None) -> list[Bill]:
    """Issue a closed account's remaining bills, the last one final. Refused before the last day of
    service has passed (the final read comes on that day). Re-running issues nothing twice."""
    account = Account.objects.select_related("customer", "premise").filter(pk=account_id).first()
    if account is None or account.closed_on is None:
        raise BillingError("no such closed account")
    issued_on = issued_on or timezone.localdate()
    if account.closed_on >= issued_on:
        raise BillingError(
            f"service runs to {account.closed_on:%Y-%m-%d}: the final bill comes after that day's final read"
        )
    due_on = issued_on + timedelta(days=current_tariff().due_days)
    services = {
        account.premise_id: sorted(
            ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)
        )
    }
    actor = system_actor(BILLING_JOB, on_behalf_of=by)
    issued = []
    for cycle in cycles_unbilled(account):
        cycle_check(cycle)
        if Bill.objects.filter(account=account, cycle=cycle, is_current=True).exists():
            continue
        _bill_chunk(
            [BilledAccount.of(account)], cycle, issued_on, due_on, actor, services, None, settle_by=by
        )
        issued.append(Bill.objects.get(account=account, cycle=cycle, is_current=True))
    return issued


@transaction.atomic
def service_stop(
    *,
    account_id: int,
    closed_on: date,
    by=None,
    owner_customer_id: int | None = None,
    change_id: int | None = None,
    today: date | None = None,
) -> tuple[Account, list[Bill]]:
    """Stop service at the customer's request (a move-out): close the account (the owner's vacancy account
    opening the next day when an owner is named), mark the customer's request done, and issue the final
    bill when the last day of service has passed; otherwise the bill run that covers it issues it."""
    today = today or timezone.localdate()
    if closed_on > today + timedelta(days=366):
        raise BillingError("a stop more than a year ahead: take the request nearer the day")
    account = account_stop(
        account_id=account_id,
        closed_on=closed_on,
        reason=CloseReason.MOVE_OUT,
        owner_customer_id=owner_customer_id,
        by=by,
    )
    if change_id is not None:
        change = ServiceChange.objects.filter(pk=change_id, account_id=account_id).first()
        if change is None:
            raise BillingError("that request is not this account's")
        service_change_close(
            change_id=change_id, status=ServiceChange.Status.DONE, by=by, result_account=account
        )
    bills = []
    if closed_on < today:
        bills = final_bill_issue(account_id=account.pk, by=by, issued_on=today)
    return account, bills
