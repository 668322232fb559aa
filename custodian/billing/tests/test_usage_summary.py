"""Green Button UsageSummary from the bills (ESPI function blocks 15 and 16) in Download My Data: valid
against the ESPI schema, each figure the bill's (billing period, use, the service's part of the bill and its
charges in hundred-thousandths of a dollar), the bills read through the gate in one logged read that opens
the period's bills and no other; a customer without bills gets no UsageSummary at all."""

from datetime import datetime, timedelta

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.billing.usage_summary import bill_summaries
from custodian.testing.billing import NS, check_summary_is_the_bills, last_month_billed, number, schema_valid
from custodian.testing.portal import signed_in
from custodian.vault import gate
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import LOCAL, month_bounds


def test_download_my_data_carries_each_bills_summary_with_the_bills_figures(metered):  # noqa: F811
    customer, app, months = metered
    bill, content = last_month_billed(customer, months)
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


def test_a_bill_issued_while_readings_went_on_carries_the_current_periods_figures(metered):  # noqa: F811
    """A bill issued on the 10th of the next month, whose readings the store holds: its summary in the
    download gives the use since the billed period and the day before it was issued, from those readings."""
    customer, app, months = metered
    cycle = months[-2]["month"]
    next_start, _ = month_bounds(months[-1]["month"])
    issued = datetime.fromtimestamp(next_start, LOCAL).date() + timedelta(days=9)
    assert bill_run(cycle=cycle, issued_on=issued) == 1
    response = signed_in(app, "current@example.com").get("/portal/me/green-button.xml")
    feed = schema_valid(response.content)
    summaries = feed.findall("atom:entry/atom:content/espi:UsageSummary", NS)
    (summary,) = [s for s in summaries if number(s, "espi:commodity") == 1]  # electricity, read hourly
    for figure in ("currentBillingPeriodOverAllConsumption", "previousDayOverallConsumption"):
        assert summary.find(f"espi:{figure}", NS) is not None, figure
    # The day before the bill was issued: its 24 hourly readings, in Wh.
    day_before = number(summary, "espi:previousDayOverallConsumption/espi:value")
    assert day_before > 0


def test_a_customer_without_bills_gets_no_usage_summary_and_no_bill_read(households):  # noqa: F811
    (customer, app), _ = households
    client = signed_in(app, "nobills@example.com")
    before = AccessEvent.objects.count()
    response = client.get("/portal/me/green-button.xml")
    assert response.status_code == 200
    schema_valid(response.content)
    assert b"UsageSummary" not in response.content
    assert AccessEvent.objects.count() - before == 2  # the usage's two reads; no bill opened


def test_a_summary_of_one_period_opens_that_periods_bill_and_no_other(metered, monkeypatch):  # noqa: F811
    customer, _, months = metered
    cycles = [m["month"] for m in months[-3:]]
    for cycle in cycles:
        assert bill_run(cycle=cycle) == 1
    bills = {b.cycle: b for b in Bill.objects.filter(customer=customer, cycle__in=cycles)}
    opened = []
    reveal_documents = gate.reveal_documents

    def recording(**read):
        documents = reveal_documents(**read)
        opened.extend(d.ref for d in documents)
        return documents

    monkeypatch.setattr(gate, "reveal_documents", recording)
    before = AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    start, end = month_bounds(cycles[1])
    summaries = bill_summaries(
        actor=customer_actor(customer.pk), customer_id=customer.pk, purpose="billing", start=start, end=end
    )
    assert [len(found) for found in summaries.values()] == [1] * len(summaries) and summaries
    # Only the bill sent was opened: the access event of the read answers for that bill alone.
    assert opened == [bills[cycles[1]].document_ref]
    (event,) = AccessEvent.objects.filter(seq__gt=before)
    assert (event.decision, event.categories, event.action) == ("allow", "bills", "reveal_documents")
