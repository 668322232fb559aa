"""Households with a year of usage for the bill run, billed customers on automatic payment, and the
vendors that take the utility's letters and its bank's debit file; a Green Button UsageSummary checked
figure by figure against the bill it summarises."""

import io
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from lxml import etree

from conftest import PAPER_FORM, application_for
from custodian.billing.models import Bill
from custodian.billing.selectors import bill_document
from custodian.billing.services import bill_run
from custodian.billing.usage_summary import item_kind
from custodian.customers.models import Account
from custodian.customers.services import customer_enrol
from custodian.payments.ach_returns import ChangeNotice, returns_post
from custodian.payments.autopay import ach_export_run, autopay_enrol
from custodian.payments.models import AchChangeNotice, AchDebit
from custodian.testing import TEST_ROUTING, TEST_ROUTING_OTHER, project_file, vendor_with_determination
from custodian.usage.espi import ATOM_NS, ESPI_NS
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL
from custodian.vault.services import Submission, personal_data_record

# Ten months of 2026, each a little more than the last.
YEAR = {
    f"2026-{m:02d}": {"electric": 600.0 + 10 * m, "gas": 40.0 + m, "water": 4000.0 + 100 * m}
    for m in range(1, 11)
}

# What a customer gives on the portal to pay automatically.
AUTOPAY_FORM = Submission(channel="portal", notice_key="automatic_payment", recorded_by_label="the customer")

# A policy-change letter's words.
POLICY_CHANGE = {
    "version": "2027.1",
    "previous_version": "2026.1",
    "effective_date": date(2027, 3, 1),
    "changes": ["Interval readings are kept three years, then only monthly totals."],
    "policy_url": "https://www.owatonnautilities.com/privacy/",
    "contact": "privacy@owatonnautilities.com",
    "utility": "Owatonna Public Utilities",
}


def account_opened(customer, on: date) -> Account:
    """`customer`'s account, in service from `on` (the bills before it are not its own)."""
    account = Account.objects.get(customer=customer)
    account.opened_on = on
    account.save(update_fields=["opened_on"])
    return account


def usage_document(months: dict[str, dict[str, float]], estimated: set[str] = frozenset()) -> str:
    """The `meter_usage` value (JSON) of these monthly totals, the `estimated` months marked so."""
    doc = {}
    for service, unit in (("electric", "kWh"), ("gas", "therm"), ("water", "gal")):
        doc[service] = {
            "unit": unit,
            "months": [
                {"month": m, "total": v[service], **({"estimated": True} if m in estimated else {})}
                for m, v in sorted(months.items())
                if service in v
            ],
        }
    return json.dumps(doc)


def household(name: str, account: str, months, **extra):
    """A customer enrolled on paper with these monthly totals, an account opened at the start of 2025."""
    app = application_for(
        name, f"{account}@example.com", "507-555-0100", account, meter_usage=usage_document(months)
    )
    app.opened_on = date(2025, 1, 1)
    app.__dict__.update(extra)
    return customer_enrol(application=app, submission=PAPER_FORM)


@pytest.fixture
def on_autopay(db):
    """Three households billed for October 2026, the first two on automatic payment: their accounts."""
    homes = [household(f"Ostby {i}", f"00600000{i:02d}", YEAR) for i in range(3)]
    bill_run(cycle="2026-10", issued_on=date(2026, 11, 1))
    accounts = [h.accounts.get() for h in homes]
    autopay_enrol(
        account_id=accounts[0].pk,
        bank_account=f"routing {TEST_ROUTING} account 5550001",
        submission=AUTOPAY_FORM,
    )
    autopay_enrol(
        account_id=accounts[1].pk,
        bank_account=f"routing {TEST_ROUTING_OTHER} account 5550002 savings",
        submission=AUTOPAY_FORM,
    )
    return accounts


@pytest.fixture
def bank(privacy_officer):
    """The bank that originates the automatic payments' debits, with its key pair."""
    return vendor_with_determination(
        function="ach_origination", officer=privacy_officer, name="First Owatonna Bank", days=365
    )


def debits_sent(bank, privacy_officer, effective_on: date = date(2026, 11, 20)) -> list[AchDebit]:
    """The debits of the households `on_autopay`, sent to `bank` (the fixture's vendor and keys) in its
    NACHA file by the privacy officer: one per account on automatic payment, by account."""
    vendor, _ = bank
    ach_export_run(vendor=vendor, requested_by=privacy_officer, effective_on=effective_on)
    return list(AchDebit.objects.order_by("account_id"))


def change_notice_received(debit: AchDebit, code: str, corrected: str, *, by, received_on=None):
    """The bank's notification of change `code` about `debit`, with its corrected data as the addenda's 29
    characters hold it, recorded from the return file by `by` (collections) as the import records it."""
    returns_post(entries=[ChangeNotice(1, debit.reference, code, corrected)], by=by, received_on=received_on)
    return AchChangeNotice.objects.get(debit=debit, change_code=code)


@pytest.fixture
def letter_vendor(privacy_officer):
    """The mailing house that prints and mails the utility's letters, with its key pair."""
    return vendor_with_determination(
        function="letter_mailing", officer=privacy_officer, name="Prairie Print & Mail", days=200
    )


NS = {"espi": ESPI_NS, "atom": ATOM_NS}
SCHEMA = project_file("reference/greenbutton/schema/espi.xsd")


def schema_valid(body: bytes):
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(etree.parse(io.BytesIO(body)))
    return etree.fromstring(body)


def number(element, path) -> int:
    return int(element.findtext(path, namespaces=NS))


def midnight(day) -> int:
    return int(datetime.combine(day, time(), tzinfo=LOCAL).timestamp())


def last_month_billed(customer, months) -> tuple[Bill, dict]:
    """The last of `months` (a `metered` household's) billed now: the customer's bill and its content, as
    the customer reads it."""
    cycle = months[-1]["month"]
    assert bill_run(cycle=cycle) == 1
    bill = Bill.objects.get(customer=customer, cycle=cycle)
    return bill, bill_document(actor=customer_actor(customer.pk), bill=bill, purpose="billing")


def check_summary_is_the_bills(summary, content: dict, bill: Bill, service: str, *, with_cost: bool = True):
    """Every figure of one UsageSummary against the bill's own content (sealed, opened in the test)."""
    start = midnight(bill.period_start)
    assert number(summary, "espi:billingPeriod/espi:start") == start
    assert (
        number(summary, "espi:billingPeriod/espi:duration")
        == midnight(bill.period_end + timedelta(days=1)) - start
    )
    assert number(summary, "espi:statusTimeStamp") == midnight(bill.issued_on)
    usage = next(u for u in content["usage"] if u["service"] == service)
    used = summary.find("espi:overallConsumptionLastPeriod", NS)
    written = Decimal(number(used, "espi:value")).scaleb(number(used, "espi:powerOfTenMultiplier"))
    factor = {"electric": 1000, "gas": 1, "water": 1}[service]  # kWh billed, Wh written
    assert written == Decimal(usage["quantity"]) * factor
    assert number(used, "espi:uom") == {"electric": 72, "gas": 169, "water": 128}[service]
    assert number(summary, "espi:commodity") == {"electric": 1, "gas": 7, "water": 9}[service]
    lines = [line for line in content["lines"] if line["service"] == service]
    if not with_cost:
        for tag in (
            "billLastPeriod",
            "costAdditionalLastPeriod",
            "costAdditionalDetailLastPeriod",
            "currency",
        ):
            assert summary.find(f"espi:{tag}", NS) is None
        return
    assert number(summary, "espi:currency") == 840
    # Hundred-thousandths of a dollar: $12.34 is 1234000.
    assert number(summary, "espi:billLastPeriod") == sum(Decimal(line["amount"]) for line in lines) * 100_000
    details = summary.findall("espi:costAdditionalDetailLastPeriod", NS)
    additional = [line for line in lines if not line["description"].startswith("Usage")]
    assert [d.findtext("espi:note", namespaces=NS) for d in details] == [a["description"] for a in additional]
    assert [number(d, "espi:amount") for d in details] == [Decimal(a["amount"]) * 100_000 for a in additional]
    assert [number(d, "espi:itemKind") for d in details] == [item_kind(a["description"]) for a in additional]
    assert number(summary, "espi:costAdditionalLastPeriod") == sum(number(d, "espi:amount") for d in details)


def billing_day(monkeypatch, day: date) -> None:
    """The bill run's today (the utility's date) set to `day`: a test bills a month once it has ended, as the
    bill run does, whatever the machine's clock says."""
    monkeypatch.setattr("custodian.billing.services.utility_today", lambda: day)


def reading_corrected(customer, cycle: str = "2026-10", months=YEAR) -> None:
    """`customer`'s `cycle` electric read corrected (50 kWh more than in `months`), as the meter reading
    team enters a fixed read: a re-bill then has something to change."""
    fixed = {**months, cycle: {**months[cycle], "electric": months[cycle]["electric"] + 50}}
    personal_data_record(
        customer=customer,
        values={"meter_usage": usage_document(fixed)},
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
    )
