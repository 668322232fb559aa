"""The staff's Green Button download in the console carries the bills' summaries (ESPI UsageSummary) only
when the policy lets its purpose, "providing or improving utility services", read the bills. The shipped
policy does not: the file has the meter readings alone, no bill is opened, and the customer's page says the
summaries are left out and why. A policy that gives the purpose the bills gets them in the same file."""

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.billing.services import bill_run
from custodian.testing import project_file
from custodian.testing.billing import YEAR, household

NS = {"espi": "http://naesb.org/espi", "atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def billed(db):
    """A household billed for October 2026."""
    customer = household("Ostby Green", "0060000077", YEAR)
    assert bill_run(cycle="2026-10", issued_on=date(2026, 11, 2)) == 1
    return customer


@pytest.fixture
def bills_for_services(settings, tmp_path):
    """The policy file with "providing or improving utility services" allowed to read the bills."""
    source = Path(settings.CUSTODIAN_POLICY_FILE)
    text, changed = re.subn(
        r'(\[purposes\.providing_services\][^\[]*?categories = \[[^\]]*)"meter_usage"\]',
        r'\1"meter_usage", "bills"]',
        source.read_text(),
    )
    assert changed == 1
    shutil.copy(source.parent / "owatonna-policy.txt", tmp_path / "owatonna-policy.txt")
    (tmp_path / "owatonna.toml").write_text(text)
    settings.CUSTODIAN_POLICY_FILE = tmp_path / "owatonna.toml"


def download(client, customer):
    response = client.get(f"/staff/customers/{customer.pk}/green-button.xml")
    assert response.status_code == 200
    schema = etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd"))))
    schema.assertValid(etree.parse(io.BytesIO(response.content)))
    return etree.fromstring(response.content)


def test_the_shipped_policy_leaves_the_summaries_out_and_the_page_says_why(console, field_tech, billed):
    client = console(field_tech)
    before = AccessEvent.objects.order_by("-seq").first().seq
    feed = download(client, billed)
    assert feed.find(".//espi:UsageSummary", NS) is None
    read = AccessEvent.objects.filter(seq__gt=before)
    assert read.exists() and not read.filter(categories__contains="bills").exists()  # no bill opened
    page = client.get(f"/staff/customers/{billed.pk}/").content.decode()
    note = re.search(r'<p class="muted" id="green-button-summaries">(.*?)</p>', page, re.S).group(1)
    assert "without the bills' summaries" in note
    assert "Providing or improving utility services" in note
    assert "does not let that purpose read bills" in note


def test_a_policy_that_lets_the_purpose_read_bills_gets_the_summaries(
    bills_for_services, console, field_tech, billed
):
    client = console(field_tech)
    before = AccessEvent.objects.order_by("-seq").first().seq
    feed = download(client, billed)
    summaries = feed.findall(".//espi:UsageSummary", NS)
    assert {int(s.findtext("espi:commodity", namespaces=NS)) for s in summaries} == {1, 7, 9}
    bills_read = AccessEvent.objects.filter(seq__gt=before, categories__contains="bills")
    assert [(e.purpose, e.decision) for e in bills_read] == [("providing_services", "allow")]
    page = client.get(f"/staff/customers/{billed.pk}/").content.decode()
    assert 'id="green-button-summaries"' not in page
