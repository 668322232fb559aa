"""A representative acting for a customer in the portal sees and is offered only what their authority
covers. Rosa Reyes holds a power of attorney to view the customer's meter usage and nothing else:

- "who has seen or changed my data", its receipts and the data download's list of accesses hold the events
  whose every data category is the meter usage (her own reads of it for the customer among them; not
  collections reading the disconnection protection facts, the bank account, the correspondence, an e-mail
  address, nor a change to the customer's sign-in), and "who we gave it to" the disclosures of the usage
  only;
- no page of hers shows a form or a link to a page her authority does not open, by its scope or by the data
  it shows (it would answer "not within your authority" and lose what was typed): not the contact details,
  not the marketing choice, not the upload, not the bills;
- her Green Button XML is the usage without the bills' summaries, as the CSV, instead of a refusal."""

import json
import re

from django.urls import NoReverseMatch, resolve, reverse

from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent
from custodian.customers.models import Account
from custodian.portal.access import OWN_SIGN_IN_PAGES, PAGE_SCOPES, Within
from custodian.testing import accounted, bill_charged, password_change_logged, power_of_attorney, read_event
from custodian.testing.portal import acting_for

USAGE_ONLY = ("meter_usage",)
# What others did about the customer: each event's data categories and who.
LOGGED = {
    "meter_usage": "billing",
    "disconnection_protection": "collections",
    "bank_account": "collections",
    "correspondence": "customer_service",
    "email": "customer_service",
}
RECEIPT = re.compile(r"/portal/me/who-has-seen-my-data/(\d+)/receipt\.json")


def _rosa(customer, service_rep, privacy_officer, scope=("view",)):
    return acting_for(customer, service_rep, privacy_officer, power_of_attorney(customer, scope, USAGE_ONLY))


def test_the_access_log_receipts_and_disclosures_hold_only_the_usage(customer, service_rep, privacy_officer):
    append_events(
        read_event(customer.pk, categories=cats, roles=service, purpose="billing")
        for cats, service in LOGGED.items()
    )
    password_change_logged(customer)
    accounted(
        [customer.pk],
        ("Acme Mailing", ""),
        ["name", "mailing_address"],
        "contacting_customers",
        ("vendor_determination", "determination 1"),
    )
    accounted(
        [customer.pk],
        ("State Energy Office", ""),
        ["meter_usage"],
        "legal_obligations",
        ("legal_authority", "Minn. Stat. § 216C.17"),
    )
    events = AccessEvent.objects.filter(customer_id=str(customer.pk)).exclude(actor_kind="customer")
    usage = set(events.filter(categories="meter_usage").values_list("seq", flat=True))
    others = set(events.exclude(categories="meter_usage").values_list("seq", flat=True))
    assert usage and others

    rep, rosa = _rosa(customer, service_rep, privacy_officer)

    def rosas_own():
        """Her own reads for the customer, of the usage: the customer's to see, and hers."""
        by_rosa = AccessEvent.objects.filter(
            customer_id=str(customer.pk), actor_label__startswith=f"representative {rep.person_id} ("
        )
        assert not by_rosa.exclude(categories="meter_usage").filter(decision="allow").exists()
        return set(by_rosa.filter(categories="meter_usage").values_list("seq", flat=True))

    page = rosa.get("/portal/me/who-has-seen-my-data/")
    assert page.status_code == 200
    assert {int(s) for s in RECEIPT.findall(page.content.decode())} == usage | rosas_own()
    for seq in usage:
        assert rosa.get(f"/portal/me/who-has-seen-my-data/{seq}/receipt.json").status_code == 200
    for seq in others:
        assert rosa.get(f"/portal/me/who-has-seen-my-data/{seq}/receipt.json").status_code == 404

    download = json.loads(rosa.get("/portal/me/download.json").content)
    assert {a["seq"] for a in download["accesses"]} == usage | rosas_own()
    assert {d["recipient"] for d in download["disclosures"]} == {"State Energy Office"}
    given = rosa.get("/portal/me/who-we-gave-it-to/").content.decode()
    assert "State Energy Office" in given and "Acme Mailing" not in given


def _links(html: str) -> set[str]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return {
        url.split("?")[0].split("#")[0]
        for url in re.findall(r'(?:href|action|formaction)="(/portal/[^"]*)"', main)
    }


def test_no_page_offers_what_the_authority_does_not_open(customer, service_rep, privacy_officer):
    rep, rosa = _rosa(customer, service_rep, privacy_officer)
    home = rosa.get("/portal/me/").content.decode()
    assert "Update your contact details" not in home and "Opt out of marketing" not in home
    # Every page her scope opens: what it links to or posts to is a page she may open too.
    for path in _pages_of_scope("view"):
        response = rosa.get(path)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for url in _links(response.content.decode()):
            target = resolve(url).url_name
            assert target in OWN_SIGN_IN_PAGES or Within(rep)[target], (path, url)


def _pages_of_scope(scope: str) -> list[str]:
    """The paths of the pages a scope opens that take no argument (the others are reached from these)."""
    paths = []
    for name, needs in sorted(PAGE_SCOPES.items()):
        try:
            paths.append(reverse(f"portal:{name}")) if needs == scope else None
        except NoReverseMatch:
            continue
    return paths


def test_the_usage_xml_comes_without_the_bills_summaries(customer, service_rep, privacy_officer):
    bill_charged(Account.objects.get(customer=customer), 9, "41.20")
    _, rosa = _rosa(customer, service_rep, privacy_officer)
    xml = rosa.get("/portal/me/green-button.xml?start=2026-01-01&end=2026-11-01")
    assert xml.status_code == 200 and b"UsageSummary" not in xml.content
    assert rosa.get("/portal/me/green-button.csv?start=2026-01-01&end=2026-11-01").status_code == 200
    usage = rosa.get("/portal/me/usage/").content.decode()
    assert "Download XML" in usage and "/portal/me/usage/upload/" not in usage
