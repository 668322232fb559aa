"""The answer to a data access request as a file (the package page's JSON), which staff give the customer: a
person reads every item in their own language and a program reads the same keys in every file. Each coded
item is a key beside its label; no bare internal code (a field, a service, a purpose, a channel, a choice) is
left where the customer reads words."""

import json
from datetime import date

from custodian.collecting.facts import INCOME_BASES, ProtectionFacts
from custodian.collecting.services import protection_facts_record
from custodian.console.privacy import FORMAT
from custodian.customers.choices import Service
from custodian.customers.models import Customer
from custodian.policy.loader import current_policy
from custodian.testing import accounted
from custodian.testing.every_category import verified_access_request
from custodian.vault.choices import Channel
from custodian.vault.normalize import MARKETING_OPTED_IN, MARKETING_OPTED_OUT
from custodian.vault.services import Submission, marketing_preference_set

BY_PHONE = Submission(
    channel="phone", notice_key="disconnection_protection", recorded_by_label="the collections desk"
)


def internal_codes() -> set[str]:
    """Every code the utility's records use that a customer should never have to read."""
    policy = current_policy()
    return (
        {c.key for c in policy.categories.values()}
        | {c.field for c in policy.categories.values()}
        | set(policy.purposes)
        | set(policy.services)
        | set(Channel.values)
        | set(Service.values)
        | {"consent", "legal_authority", "vendor_determination"}
        | set(INCOME_BASES)
        | {MARKETING_OPTED_IN, MARKETING_OPTED_OUT, "allow", "deny", "system", "staff", "customer"}
    )


def read_by_a_person(node, path=()):
    """Every (path, text) a person reads in the file: everything but a coded item's key and a document's
    reference, which are there for programs."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in ("key", "ref", "format", "language"):
                yield from read_by_a_person(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from read_by_a_person(v, (*path, i))
    elif isinstance(node, str):
        yield path, node


def coded_items(node):
    if isinstance(node, dict):
        if "key" in node:
            yield node
        for v in node.values():
            yield from coded_items(v)
    elif isinstance(node, list):
        for v in node:
            yield from coded_items(v)


def the_file(client, household, privacy_officer, open_request) -> dict:
    """The file the privacy officer downloads from the package page of the household's verified request."""
    customer, app = household
    req = verified_access_request(customer, app, privacy_officer, open_request)
    response = client.get(f"/staff/requests/{req.pk}/package/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def with_everything(households, billing_clerk, console):
    """A household (with a year of bills' use) that opted out of marketing, has its income qualified for the
    Cold Weather Rule on file, was read by billing and had data given to a mailing vendor."""
    (customer, app), _ = households
    marketing_preference_set(
        customer=customer,
        opted_out=True,
        submission=Submission(channel="phone", notice_key="portal_profile", recorded_by_label="front desk"),
    )
    facts = ProtectionFacts(income_verified_on=date(2026, 10, 1), income_basis="assistance_provider")
    protection_facts_record(customer_id=customer.pk, facts=facts, submission=BY_PHONE)
    console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"}
    )
    accounted(
        [customer.pk], ("Acme Mailing", "1 Print Way"), ["name", "mailing_address"], "contacting_customers",
        ("vendor_determination", "determination 1"),
    )  # fmt: skip
    return customer, app


def test_every_coded_item_is_a_key_with_its_label_and_no_bare_code_is_left(
    households, billing_clerk, privacy_officer, console, open_request
):
    household = with_everything(households, billing_clerk, console)
    package = the_file(console(privacy_officer), household, privacy_officer, open_request)

    assert package["format"] == FORMAT and package["how_to_read"]
    codes = internal_codes()
    bare = [(path, text) for path, text in read_by_a_person(package) if text in codes]
    assert bare == []
    for item in coded_items(package):
        assert isinstance(item.get("label"), str) and item["label"], item

    data = {item["key"]: item for item in package["data"]}
    assert data["name"]["label"] == "Name"
    assert data["marketing_preference"]["value"] == {
        "key": MARKETING_OPTED_OUT,
        "label": "You have opted out: we never use your details for marketing.",
    }
    [electric] = [s for s in data["meter_usage"]["value"] if s["service"]["key"] == "electric"]
    assert electric["service"]["label"] == "Electricity" and electric["unit"]["key"] == "kWh"
    assert len(electric["months"]) == 13 and all(isinstance(m["use"], float) for m in electric["months"])
    facts = {f["key"]: f for f in data["disconnection_protection"]["value"]}
    assert facts["income_basis"]["value"] == {
        "key": "assistance_provider",
        "label": "Verified by the local energy assistance provider",
    }
    assert facts["income_verified_on"]["value"] == {"key": "2026-10-01", "label": "October 1, 2026"}
    assert data["name"]["provenance"]["channel"] == {"key": "paper", "label": "Paper form"}
    assert data["name"]["provenance"]["notice"]["key"] == "account_application"

    [read] = [a for a in package["accesses"] if a["who"]["key"] == "billing"]
    assert read["who"]["label"] == current_policy().services["billing"].label
    assert read["why"] == {"key": "billing", "label": current_policy().purposes["billing"].label}
    assert read["outcome"] == {"key": "shown", "label": "shown"}
    assert read["data"] == [{"key": "name", "label": "Name"}]
    [given] = package["disclosures"]
    assert given["recipient"] == "Acme Mailing" and given["basis"]["key"] == "vendor_determination"
    assert given["why"]["key"] == "contacting_customers" and given["why"]["label"] != "contacting_customers"


def test_the_file_is_in_the_customer_s_language_with_the_same_keys(
    households, billing_clerk, privacy_officer, console, open_request
):
    household = with_everything(households, billing_clerk, console)
    Customer.objects.filter(pk=household[0].pk).update(language="es")
    package = the_file(console(privacy_officer), household, privacy_officer, open_request)

    assert package["language"] == "es"
    data = {item["key"]: item for item in package["data"]}
    assert data["name"]["label"] == current_policy().categories["name"].in_language("es").label == "Nombre"
    assert data["marketing_preference"]["value"]["key"] == MARKETING_OPTED_OUT
    assert data["marketing_preference"]["value"]["label"].startswith("Usted lo rechazó")
    [electric] = [s for s in data["meter_usage"]["value"] if s["service"]["key"] == "electric"]
    assert electric["service"]["label"] == "Electricidad"
    assert package["sections"]["accesses"] == "Quién ha visto o cambiado sus datos"
    facts = {f["key"]: f for f in data["disconnection_protection"]["value"]}
    assert facts["income_basis"]["label"] == "Cómo se verificaron los ingresos"
    assert facts["income_verified_on"]["value"] == {"key": "2026-10-01", "label": "1 de octubre de 2026"}
    [read] = [a for a in package["accesses"] if a["who"]["key"] == "billing"]
    assert read["outcome"] == {"key": "shown", "label": "mostrado"}
    codes = internal_codes()
    assert [(p, t) for p, t in read_by_a_person(package) if t in codes] == []
