"""The demo utility: deterministic for a seed, safe to re-run, shaped like a real utility's customers."""

import json
from datetime import date, datetime

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from custodian.billing.models import Bill, LedgerEntry
from custodian.casework.models import CustomerRequest
from custodian.collecting.models import PaymentAgreement
from custodian.collecting.selectors import collections_worklist
from custodian.customers.models import Customer, Premise, ServicePoint
from custodian.demo.billing import demo_billing_ensure, demo_cycles
from custodian.demo.generator import (
    account_number,
    application,
    demo_collections_cases,
    meter_number,
    similar_homes_needed,
)
from custodian.demo.selectors import demo_collections_examples, demo_customer_id
from custodian.demo.services import (
    demo_customers_ensure,
    demo_intervals_ensure,
    demo_requests_ensure,
    demo_staff_ensure,
    demo_vendors_ensure,
)
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import current_determination
from custodian.policy.loader import current_policy
from custodian.staff.models import ServiceMembership
from custodian.testing import meter_usage_document
from custodian.vault.gate import reveal, reveal_intervals, system_actor
from custodian.vault.interval_files import LOCAL, month_bounds
from custodian.vault.models import PersonalValue
from custodian.vault.services import opted_out_customer_ids


def test_same_seed_same_people_other_seed_other_people():
    today = date(2026, 11, 26)
    assert application(1, 5, today) == application(1, 5, today)
    assert application(1, 5, today).personal["name"] != application(2, 5, today).personal["name"]


def test_a_meter_number_does_not_spell_its_account_number():
    """Meter numbers are shown where the sealed account number is not (a field worker's account page)."""
    numbers = {meter_number(1, index, "electric") for index in range(20_000)}
    assert len(numbers) == 20_000
    for index in (10, 21, 12_345):
        assert account_number(1, index)[3:] not in meter_number(1, index, "electric")


def test_seed_is_idempotent_and_resumes(db):
    assert demo_customers_ensure(count=12, seed=3, batch=5) == 12
    assert demo_customers_ensure(count=15, seed=3, batch=5) == 3
    assert Customer.objects.count() == 15
    assert PersonalValue.objects.filter(field="account_number", superseded_at=None).count() == 15


def test_staff_personas_cover_every_support_service(db):
    demo_staff_ensure()
    demo_staff_ensure()

    assert set(ServiceMembership.objects.values_list("service", flat=True)) == set(current_policy().services)


def test_command_builds_accounts_premises_services_and_13_months_of_seasonal_usage(db, capsys, settings):
    settings.DEBUG = True  # development only
    call_command("seed_demo", "--customers", "40", "--seed", "9", "--no-progress")
    similar = similar_homes_needed(
        count=40, seed=9, today=timezone.localdate(), min_homes=current_policy().aggregation["min_customers"]
    )
    assert f"40 customers created (0 already present), {similar} similar homes" in capsys.readouterr().out
    assert {"residential", "commercial"} >= set(Customer.objects.values_list("customer_class", flat=True))
    assert Premise.objects.count() == 40 + similar
    assert set(ServicePoint.objects.values_list("service", flat=True)) == {"electric", "gas", "water"}
    ids = list(Customer.objects.values_list("pk", flat=True))
    values = {
        cid: reveal(
            actor=system_actor("billing_run"), customer_id=cid, fields=["meter_usage"], purpose="billing"
        )
        for cid in ids
    }
    gas_winter, gas_summer = [], []
    for v in values.values():
        usage = json.loads(v["meter_usage"])
        for series in usage.values():
            assert len(series["months"]) == 13
        if "gas" in usage:
            by_month = {m["month"][5:]: m["total"] for m in usage["gas"]["months"]}
            gas_winter.append(by_month["01"])
            gas_summer.append(by_month["07"])
    assert sum(gas_winter) > 3 * sum(gas_summer)


def test_the_demo_has_work_for_every_persona_and_is_rerunnable(db):
    demo_customers_ensure(count=10, seed=1)
    assert demo_requests_ensure(seed=1) == 6
    assert demo_requests_ensure(seed=1) == 0
    owners = set(CustomerRequest.objects.values_list("owning_service", flat=True))
    assert {"billing", "field_services", "customer_service", "privacy_officer"} <= owners
    assert len(opted_out_customer_ids()) == 2


def test_demo_vendors_have_current_determinations(db):
    demo_staff_ensure()
    assert len(demo_vendors_ensure()) == 7
    assert demo_vendors_ensure() == []
    assert all(current_determination(v) for v in Vendor.objects.all())


def first_customers_bills_and_readings():
    """The first demo customer's monthly electric bills and the interval readings of the same months, each
    read through the gate as the job that reads it."""

    cid = Customer.objects.order_by("pk").first().pk
    bills = json.loads(
        reveal(actor=system_actor("billing_run"), customer_id=cid, fields=["meter_usage"], purpose="billing")[
            "meter_usage"
        ]
    )["electric"]["months"]
    start, end = month_bounds(bills[0]["month"])[0], month_bounds(bills[-1]["month"])[1]
    blocks = reveal_intervals(
        actor=system_actor("comparison_reports"),
        customer_id=cid,
        purpose="providing_services",
        start=start,
        end=end,
    )
    return bills, blocks


def test_demo_hourly_readings_add_up_to_the_bills_and_peak_in_the_evening(db):
    demo_customers_ensure(count=3, seed=4)
    assert demo_intervals_ensure(count=3, seed=4) == 3 * 13
    bills, blocks = first_customers_bills_and_readings()
    assert [float(np.nansum(b.values)) for b in blocks] == pytest.approx([m["total"] for m in bills], abs=0.5)
    block = blocks[-1]
    hours = np.array(
        [datetime.fromtimestamp(block.start + 3600 * i, LOCAL).hour for i in range(len(block.values))]
    )
    assert block.values[hours == 19].mean() > 1.5 * block.values[hours == 3].mean()


def test_demo_gas_and_water_readings_when_asked_add_up_to_their_months(db):
    demo_customers_ensure(count=6, seed=4)
    services = ("electric", "gas", "water")
    written = demo_intervals_ensure(count=6, seed=4, services=services)
    assert demo_intervals_ensure(count=6, seed=4, services=services) == 0  # re-run: nothing more
    per_service = {}
    for customer in Customer.objects.order_by("pk"):
        usage = meter_usage_document(customer)
        months = {s: usage[s]["months"] for s in services if s in usage}
        start = min(month_bounds(m[0]["month"])[0] for m in months.values())
        end = max(month_bounds(m[-1]["month"])[1] for m in months.values())
        blocks = reveal_intervals(
            actor=system_actor("comparison_reports"),
            customer_id=customer.pk,
            purpose="providing_services",
            start=start,
            end=end,
        )
        for service, bills in months.items():
            mine = [b for b in blocks if b.service == service]
            per_service.setdefault(service, []).extend(mine)
            totals = [float(np.nansum(b.values)) for b in mine]
            assert totals == pytest.approx([m["total"] for m in bills], abs=0.5), service
    assert written == sum(len(blocks) for blocks in per_service.values())
    assert {"gas", "water"} <= set(per_service)
    water = per_service["water"][-1]
    hours = np.array(
        [datetime.fromtimestamp(water.start + 3600 * i, LOCAL).hour for i in range(len(water.values))]
    )
    assert water.values[hours == 7].mean() > 5 * water.values[hours == 3].mean()


def test_demo_15_minute_readings_add_up_to_the_bills(db):
    demo_customers_ensure(count=2, seed=5)
    assert demo_intervals_ensure(count=2, seed=5, interval=15) == 2 * 13
    bills, blocks = first_customers_bills_and_readings()
    assert {b.interval for b in blocks} == {900}
    assert all(len(b.values) * 900 == month_bounds(b.month)[1] - b.start for b in blocks)
    assert [float(np.nansum(b.values)) for b in blocks] == pytest.approx([m["total"] for m in bills], abs=0.5)


def test_a_year_of_bills_and_payments_some_past_due_some_under_the_cold_weather_rule(db, settings):
    """Bills consistent with the readings (the bill run itself), paid except the past-due cases, the Cold
    Weather Rule cases on the collections worklist with their protection; re-running adds nothing."""

    today = date(2026, 11, 26)
    demo_customers_ensure(count=60, seed=4, today=today)
    first = demo_billing_ensure(count=60, seed=4, today=today)
    cycles = demo_cycles(today)
    assert cycles[0] == "2026-01" and cycles[-1] == "2026-10"  # from the first tariff version on
    assert first["bills"] == 60 * len(cycles) and Bill.objects.count() == 60 * len(cycles)
    assert sorted(set(Bill.objects.values_list("cycle", flat=True))) == cycles
    cases = demo_collections_cases(count=60, seed=4, today=today)
    assert len(cases.past_due) == 5 and cases.cold_weather
    worklist = collections_worklist(on=today, actor=system_actor("collections"))
    past_due_customers = {item.account.customer_id for item in worklist}
    assert past_due_customers == {demo_customer_id(4, i) for i in cases.past_due}
    protected = {demo_customer_id(4, i) for i in cases.cold_weather}
    for item in worklist:
        if item.account.customer_id in protected:
            assert item.agreement == "Agreed, payments kept" and any(
                "216B.097" in p for p in item.protections
            )
    assert PaymentAgreement.objects.filter(status="requested").count() == len(cases.agreement_requested)
    # an agreement kept: no past-due letter (and no late payment charge on its arrears)
    assert first["late_fees"] > 0 and first["letters"] == len(cases.past_due) - len(cases.cold_weather)
    assert demo_billing_ensure(count=60, seed=4, today=today) == {
        "bills": 0,
        "payments": 0,
        "late_fees": 0,
        "letters": 0,
    }
    assert LedgerEntry.objects.filter(kind="payment").count() == first["payments"]
    # the welcome text names them by what the portal's sign-up asks
    examples = demo_collections_examples(seed=4)
    cold = examples["under the Cold Weather Rule, payment agreement kept"]
    assert cold[0][0] == account_number(4, cases.cold_weather[0]) and cold[0][1] > 0
