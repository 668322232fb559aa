"""Green Button UsageSummary from the bills (ESPI function blocks 15 and 16) in Download My Data: valid
against the ESPI schema, each figure the bill's (billing period, use, the service's part of the bill and its
charges in hundred-thousandths of a dollar), the bills read through the gate in one logged read; a customer
without bills gets no UsageSummary at all."""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.selectors import bill_document
from custodian.billing.services import bill_run
from custodian.billing.usage_summary import item_kind
from custodian.portal.tests.test_portal import households, signed_in  # noqa: F401 (the fixture)
from custodian.portal.tests.test_usage_page import metered  # noqa: F401 (the fixture)
from custodian.testing import project_file
from custodian.usage.greenbutton_export import ESPI_NS
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL

NS = {"espi": ESPI_NS, "atom": "http://www.w3.org/2005/Atom"}
SCHEMA = project_file("reference/greenbutton/schema/espi.xsd")


def schema_valid(body: bytes):
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(etree.parse(io.BytesIO(body)))
    return etree.fromstring(body)


def number(element, path) -> int:
    return int(element.findtext(path, namespaces=NS))


def midnight(day) -> int:
    return int(datetime.combine(day, time(), tzinfo=LOCAL).timestamp())


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


def test_download_my_data_carries_each_bills_summary_with_the_bills_figures(metered):  # noqa: F811
    customer, app, months = metered
    cycle = months[-1]["month"]
    assert bill_run(cycle=cycle) == 1
    bill = Bill.objects.get(customer=customer, cycle=cycle)
    content = bill_document(actor=customer_actor(customer.pk), bill=bill, purpose="billing")
    client = signed_in(app, "summary@example.com")
    before = AccessEvent.objects.count()
    response = client.get("/portal/me/green-button.xml")
    assert response.status_code == 200
    feed = schema_valid(response.content)
    # Three reads through the gate, each logged: the billing-cycle totals, the interval store, the bills.
    assert AccessEvent.objects.count() - before == 3
    summaries = {}
    for entry in feed.findall("atom:entry", NS):
        summary = entry.find("atom:content/espi:UsageSummary", NS)
        if summary is not None:
            self_href = entry.find("atom:link[@rel='self']", NS).get("href")
            summaries[self_href] = summary
    services = [u["service"] for u in content["usage"]]
    assert len(summaries) == len(services) >= 1
    for href, summary in summaries.items():
        point = feed.xpath(
            "atom:entry[atom:link[@rel='self']/@href=$up]/atom:content/espi:UsagePoint",
            namespaces=NS,
            up=href.rsplit("/UsageSummary/", 1)[0],
        )[0]
        service = {0: "electric", 1: "gas", 2: "water"}[number(point, "espi:ServiceCategory/espi:kind")]
        check_summary_is_the_bills(summary, content, bill, service)
    # The CSV layout has no summaries: no bill is opened for it.
    before = AccessEvent.objects.count()
    assert client.get("/portal/me/green-button.csv").status_code == 200
    assert AccessEvent.objects.count() - before == 2


def test_a_customer_without_bills_gets_no_usage_summary_and_no_bill_read(households):  # noqa: F811
    (customer, app), _ = households
    client = signed_in(app, "nobills@example.com")
    before = AccessEvent.objects.count()
    response = client.get("/portal/me/green-button.xml")
    assert response.status_code == 200
    schema_valid(response.content)
    assert b"UsageSummary" not in response.content
    assert AccessEvent.objects.count() - before == 2  # the usage's two reads; no bill opened
