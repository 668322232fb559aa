"""One group size everywhere: the customer is told the same number of similar homes, service by service, on
the portal's comparison page, in its PDF and in the letter mailed through the report-mailing vendor; gas and
water are compared among the group's homes that have them, so their figures are their own, and told alike
everywhere. The console's description says how groups are formed and contradicts none of it."""

import base64
import io
import re

import pytest
from pypdf import PdfReader

from custodian.disclosures.exports import vendor_export_run
from custodian.policy.loader import current_policy
from custodian.testing import export_rows, make_vendor
from custodian.testing.neighbours import group_stored
from custodian.testing.portal import signed_in
from custodian.usage.comparison import GROUP_TARGET
from custodian.vault.export_crypto import new_vendor_keypair

# The customer's group: 19 homes with electricity, 16 of them with gas and 17 with water (the customer too).
ELECTRIC, GAS, WATER = 19, 16, 17
TOLD = {"electric": ELECTRIC, "gas": GAS, "water": WATER}
NAMES = {"Electricity": "electric", "Natural gas": "gas", "Water": "water"}


@pytest.fixture
def grouped(households):
    """The second household (electricity, gas and water) in one group with 18 neighbours."""
    _, (customer, app) = households
    group_stored(customer, app, electric=ELECTRIC, gas=GAS, water=WATER)
    return customer, app


def told_on_the_page(page: str) -> dict[str, int]:
    """Each service's number of homes as the page states it: electricity first, then each service's section
    under its heading."""
    told = {"electric": int(re.search(r"The (\d+) similar homes nearby \(of your type", page).group(1))}
    for name, number in re.findall(
        r"(Natural gas|Water): how you compare.*?The (\d+) similar homes", page, re.S
    ):
        told[NAMES[name]] = int(number)
    return told


def told_in_the_letter(pdf: bytes) -> dict[str, int]:
    """The same from the letter: every number of homes of its first page (the electricity report and its
    footer, one figure), then each service of the second."""
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    first = set(re.findall(r"(?:The|the) (\d+) (?:similar )?homes", pages[0]))
    assert len(first) == 1, first
    told = {"electric": int(first.pop())}
    rest = " ".join(pages[1:])
    for name, number in re.findall(r"(Natural gas|Water): how you compare.*?The (\d+) similar homes", rest):
        told[NAMES[name]] = int(number)
    return told


def test_the_page_the_pdf_and_the_mailed_letter_tell_one_group_size_per_service(grouped, privacy_officer):
    customer, app = grouped
    client = signed_in(app, "one.size@example.com")
    page = client.get("/portal/me/comparison/").content.decode()
    pdf = client.get("/portal/me/comparison.pdf").content
    keys = new_vendor_keypair()
    vendor = make_vendor("report_mailing", keys, privacy_officer)
    export = vendor_export_run(vendor=vendor, requested_by=privacy_officer, customer_ids=[customer.pk])
    [row] = export_rows(export, keys[0])
    mailed = base64.b64decode(row["report_pdf_base64"])
    assert told_on_the_page(page) == TOLD
    assert told_in_the_letter(pdf) == TOLD
    assert told_in_the_letter(mailed) == TOLD


def test_the_console_says_how_groups_are_formed_without_a_size_of_its_own(console, field_tech):
    page = " ".join(console(field_tech).get("/staff/reports/").content.decode().split())
    assert "about 100" not in page
    assert f"groups of {GROUP_TARGET} to {2 * GROUP_TARGET - 1}" in page
    assert f"at least {current_policy().aggregation['min_customers']} homes" in page
    assert "names the number of homes in their own group" in page


def test_the_threshold_each_tells_is_the_policy_files(households, grouped, monkeypatch, console, field_tech):
    """The page, the letter and the console state the policy file's threshold, not a number of their own:
    changed in the policy, it changes in the words."""
    aggregation = current_policy().aggregation
    monkeypatch.setitem(aggregation, "max_share_percent", 40)  # wider: the group is still shown
    _, app = grouped
    pdf = signed_in(app, "one.size@example.com").get("/portal/me/comparison.pdf").content
    letter = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert (
        f"at least {aggregation['min_customers']} homes" in letter and "more than 40% of the group" in letter
    )
    monkeypatch.setitem(aggregation, "min_customers", 25)
    (_, ungrouped), _ = households
    page = " ".join(
        signed_in(ungrouped, "no.group@example.com").get("/portal/me/comparison/").content.decode().split()
    )
    assert "at least 25 similar homes" in page
    staff_page = " ".join(console(field_tech).get("/staff/reports/").content.decode().split())
    assert "at least 25 homes, none over 40 %" in staff_page
