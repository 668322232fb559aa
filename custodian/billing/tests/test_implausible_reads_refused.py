"""A read whose use since the last read is more than the meter could read in the time between is refused,
with the use, the hours and the unit: a rollover the dials could not have made is never billed. Fiona, a
field technician, meets the same rule at the desk and in a file of reads; a read that is stored says its
use with its unit."""

from datetime import date
from decimal import Decimal

import pytest

from custodian.billing.read_import import register_reads_import
from custodian.billing.register_reads import Kind, ReadError, plausible_use, register_read_record
from custodian.customers.models import ServicePoint
from custodian.testing.billing import account_opened


@pytest.fixture
def account(customer):
    return account_opened(customer, date(2026, 9, 1))


def test_a_home_meter_reads_at_most_its_service_in_the_hours_between():
    assert plausible_use("electric", "residential", 24) == Decimal(2400)  # 100 kWh an hour
    assert plausible_use("electric", "commercial", 24) == Decimal(48000)
    assert plausible_use("gas", "residential", 24) == Decimal(240)  # therms
    assert plausible_use("water", "residential", 24) == Decimal(72000)  # gallons
    assert plausible_use("electric", "", 1) == Decimal(100000)  # any meter at all: the Green Button bound


def test_fiona_enters_an_implausible_rollover_and_it_is_refused_naming_the_use(account, field_tech):
    def rollover_to_3(read_on):
        return register_read_record(
            account_id=account.pk,
            service="electric",
            read_on=read_on,
            index="3",
            kind=Kind.ROLLOVER,
            dials=4,
            by=field_tech,
        )

    register_read_record(
        account_id=account.pk, service="electric", read_on=date(2026, 10, 27), index="5", by=field_tech
    )
    with pytest.raises(ReadError) as refused:
        rollover_to_3(date(2026, 10, 28))
    assert str(refused.value) == (
        "a rollover implies 9998 kWh used in the 24 hours since the last read of 2026-10-27, more than "
        "a home's meter reads in that time (at most 2400 kWh): check the read and how it was taken"
    )
    # Three weeks on, the same rollover is within what the meter reads: stored.
    later = rollover_to_3(date(2026, 11, 18))
    assert later.use == Decimal("9998")


def test_the_desk_refuses_it_on_the_page_and_a_stored_read_names_its_unit(account, field_tech, console):
    client = console(field_tech)
    form = {
        "service": "electric",
        "read_on": "2026-10-27",
        "index": "5",
        "kind": "regular",
        "new_meter_start": "0",
    }
    assert client.post(f"/staff/accounts/{account.pk}/reads/", form).status_code == 302
    rollover = {**form, "read_on": "2026-10-28", "index": "3", "kind": "rollover", "dials": "4"}
    refused = client.post(f"/staff/accounts/{account.pk}/reads/", rollover)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "9998 kWh used in the 24 hours since the last read of 2026-10-27" in page
    assert "at most 2400 kWh" in page
    next_day = client.post(
        f"/staff/accounts/{account.pk}/reads/", {**form, "read_on": "2026-10-28", "index": "45"}, follow=True
    )
    assert "Read 45 of 2026-10-28 stored: 40 kWh used since the last read." in next_day.content.decode()


def test_a_file_of_reads_refuses_the_same_rollover(account, field_tech):
    meter = ServicePoint.objects.get(premise_id=account.premise_id, service="water").meter_number
    data = f"meter,read_on,index,kind,dials\n{meter},2026-10-27,50,,\n{meter},2026-10-28,30,rollover,7\n"
    report = register_reads_import(data=data, file_name="route-7.csv", by=field_tech)
    assert not report.ok and report.stored == 0
    [problem] = report.problems
    assert (problem.row, problem.column) == (3, "index")
    assert "9999980 gal used in the 24 hours since the last read of 2026-10-27" in problem.message
    assert "at most 72000 gal" in problem.message
