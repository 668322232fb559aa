"""Register reads entered by field services: checked against the meter's last read (lower only as a rollover
or a meter change), stored in the sealed usage document under the metering notice, read and written as the
usage-import job on behalf of the technician; the cycle's total is what the bill run bills."""

import json
from datetime import date
from decimal import Decimal
from functools import partial

import pytest

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.register_reads import Kind, ReadError, register_read_record
from custodian.billing.selectors import bill_document
from custodian.billing.services import bill_run
from custodian.testing.billing import account_opened
from custodian.vault.gate import reveal, system_actor
from custodian.vault.gate.actors import _person as on_behalf_of
from custodian.vault.models import PersonalValue


@pytest.fixture
def account(customer):
    return account_opened(customer, date(2026, 9, 1))


def _usage(customer):
    values = reveal(
        actor=system_actor("billing_run"), customer_id=customer.pk, fields=["meter_usage"], purpose="billing"
    )
    return json.loads(values["meter_usage"])


def test_reads_give_the_cycle_its_use_and_the_bill_bills_it(account, customer, field_tech):
    first = register_read_record(
        account_id=account.pk, service="water", read_on=date(2026, 9, 30), index="1200", by=field_tech
    )
    assert first.use is None  # the meter's starting index
    read = register_read_record(
        account_id=account.pk, service="water", read_on=date(2026, 10, 31), index="5700.5", by=field_tech
    )
    assert (read.use, read.cycle, read.cycle_total) == (Decimal("4500.5"), "2026-10", Decimal("4500.5"))
    water = _usage(customer)["water"]
    assert water["months"] == [{"month": "2026-10", "total": 4500.5}]
    assert [r["kind"] for r in water["reads"]] == ["regular", "regular"]
    stored = PersonalValue.objects.filter(
        customer=customer, field="meter_usage", superseded_at__isnull=True
    ).get()
    assert (stored.provenance.channel, stored.provenance.notice_key) == ("meter", "metering")
    assert stored.provenance.recorded_by == field_tech
    event = AccessEvent.objects.filter(action="reveal", actor_id="usage_import").latest("pk")
    assert (event.actor_id, event.purpose, event.on_behalf_of) == (
        "usage_import",
        "providing_services",
        on_behalf_of(field_tech),
    )
    bill_run(cycle="2026-10")
    bill = Bill.objects.get(account=account, cycle="2026-10")
    content = bill_document(actor=system_actor("billing_run"), bill=bill, purpose="billing")
    assert {"service": "water", "quantity": "4500.5", "estimated": False} in content["usage"]


@pytest.mark.parametrize(
    "second, message",
    [
        ({"index": "900"}, "below the last read 1000: mark it as a rollover or a meter change"),
        ({"index": "900", "kind": Kind.ROLLOVER}, "number of dials"),
        ({"index": "1100", "kind": Kind.ROLLOVER, "dials": 4}, "a rollover reads lower"),
        ({"index": "50", "kind": Kind.METER_CHANGE}, "old meter's final read"),
        ({"index": "50", "kind": Kind.METER_CHANGE, "old_meter_final": "990"}, "lower than its last read"),
        ({"index": "-5"}, "between 0 and"),
        ({"index": "12abc"}, "not a number"),
        ({"index": "1001.0001"}, "more than three decimals"),
        ({"index": "1100", "read_on": date(2026, 9, 20)}, "comes after it"),
        ({"index": "1100", "read_on": date(2999, 1, 1)}, "in the future"),
        ({"index": "1100", "read_on": date(2026, 8, 1)}, "outside the account's service"),
        ({"index": "1100", "service": "steam"}, "no steam meter"),
    ],
)
def test_a_read_that_does_not_add_up_is_refused_and_nothing_is_stored(
    account, customer, field_tech, second, message
):
    register_read_record(
        account_id=account.pk, service="water", read_on=date(2026, 9, 30), index="1000", by=field_tech
    )
    before = _usage(customer)
    kwargs = {
        "account_id": account.pk,
        "service": "water",
        "read_on": date(2026, 10, 31),
        "by": field_tech,
        **second,
    }
    with pytest.raises(ReadError, match=message):
        register_read_record(**kwargs)
    assert _usage(customer) == before


def test_rollovers_and_meter_changes_count_what_was_used(account, customer, field_tech):
    gas_read = partial(register_read_record, account_id=account.pk, service="gas", by=field_tech)
    gas_read(read_on=date(2026, 9, 1), index="9950")
    rolled = gas_read(read_on=date(2026, 10, 1), index="30", kind=Kind.ROLLOVER, dials=4)
    assert rolled.use == Decimal("80")  # 50 to the top of four dials, then 30
    meter_change = {"kind": Kind.METER_CHANGE, "old_meter_final": "70", "new_meter_start": "2"}
    changed = gas_read(read_on=date(2026, 10, 15), index="12", **meter_change)
    assert changed.use == Decimal("50")  # 40 on the old meter, 10 on the new
    assert changed.cycle_total == Decimal("130")  # both reads of October


def test_only_staff_who_provide_services_enter_reads(account, billing_clerk, marketer):
    for user in (billing_clerk, marketer, None):
        with pytest.raises(ReadError, match="only staff who provide services"):
            register_read_record(
                account_id=account.pk, service="water", read_on=date(2026, 9, 30), index="1", by=user
            )


def test_the_console_page_shows_the_notice_and_refuses_a_low_read(account, customer, field_tech, console):
    client = console(field_tech)
    page = client.get(f"/staff/accounts/{account.pk}/reads/").content.decode()
    assert "metering" in page and "version 2026.1" in page
    form = {
        "service": "water",
        "read_on": "2026-09-30",
        "index": "1000",
        "kind": "regular",
        "new_meter_start": "0",
    }
    assert client.post(f"/staff/accounts/{account.pk}/reads/", form).status_code == 302
    low = client.post(
        f"/staff/accounts/{account.pk}/reads/", {**form, "read_on": "2026-10-31", "index": "10"}
    )
    assert low.status_code == 400 and "mark it as a rollover or a meter change" in low.content.decode()
    assert len(_usage(customer)["water"]["reads"]) == 1
