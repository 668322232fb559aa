"""The console names an account by the account number printed on its bills where the member's own purpose
reads it (billing for Bill, the billing clerk; collecting payments for Colin, the collections clerk), and
otherwise by "Internal ref. N", never a bare id that could be read to a customer as their account number. A
customer's page links to each of their accounts' bills and history for every member whose service bills or
collects (the account page's own rule), and for no one else. A lookup refused says what is true of the case,
the home's figures say "1 open request", and a re-bill refused is said in sentences.

Personas: Olga Ostby, a customer billed for August 2026 and past due (account number 0030000077); Bill, the
billing clerk; Colin, the collections clerk; Cora, a customer-service representative; every other support
service through the permission matrix's staff."""

from datetime import date

import pytest

from custodian.billing.services import bill_run
from custodian.casework.desk import request_take
from custodian.policy.loader import current_policy
from custodian.testing.billing import YEAR, household

NUMBER = "0030000077"
SERVICES = list(current_policy().services)


@pytest.fixture
def olga(db):
    """Olga Ostby, billed for August 2026 and not paid (past due): her customer record and account."""
    customer = household("Olga Ostby", NUMBER, YEAR)
    bill_run(cycle="2026-08", issued_on=date(2026, 9, 1))
    return customer, customer.accounts.get()


def _bills_or_collects(service: str) -> bool:
    return bool({"billing", "collecting_payments"} & set(current_policy().services[service].purposes))


def _reads_customers(service: str) -> bool:
    policy = current_policy()
    return any(policy.purposes[p].categories for p in policy.services[service].purposes)


@pytest.mark.parametrize("service", SERVICES)
def test_the_customer_page_links_to_each_account_for_staff_who_bill_or_collect(
    service, olga, all_staff, console
):
    customer, account = olga
    client = console(all_staff[service])
    page = client.get(f"/staff/customers/{customer.pk}/")
    if not _reads_customers(service):
        assert page.status_code in (403, 404)  # the customer page is not theirs: nothing to link from
        return
    link = f'href="/staff/billing/accounts/{account.pk}/"'
    html = page.content.decode()
    assert (link in html) == _bills_or_collects(service), service
    assert NUMBER not in html  # the customer's page shows nothing personal until a purpose is named
    if _bills_or_collects(service):
        assert f">Internal ref. {account.pk}</a>" in html
        followed = client.get(f"/staff/billing/accounts/{account.pk}/")
        assert followed.status_code == 200 and f"<h1>Account {NUMBER}</h1>" in followed.content.decode()


def test_the_billing_clerk_finds_the_account_by_its_number_and_sees_it_named_so(olga, billing_clerk, console):
    customer, _ = olga
    found = console(billing_clerk).post(
        "/staff/customers/", {"field": "account_number", "value": NUMBER, "purpose": "billing"}
    )
    html = found.content.decode()
    assert f'<a href="/staff/customers/{customer.pk}/">Account {NUMBER}</a>' in html
    assert f"Customer {customer.pk}<" not in html


def test_the_collections_worklist_names_each_account_by_its_number(olga, collections_agent, console):
    _, account = olga
    html = console(collections_agent).get("/staff/collections/").content.decode()
    assert f'<a href="/staff/billing/accounts/{account.pk}/">Account {NUMBER}</a>' in html


def test_a_lookup_refused_says_what_is_true_of_the_case(olga, billing_clerk, service_rep, console):
    by_phone = console(billing_clerk).post(
        "/staff/customers/", {"field": "phone", "value": "507-555-0100", "purpose": "billing"}
    )
    said = by_phone.content.decode()
    assert "The purpose Billing does not read “Telephone number”, so it cannot find customers by it" in said
    assert "search by name, service address, account number" in said
    assert "request-driven purposes need an open request" not in said
    no_request = console(service_rep).post(
        "/staff/customers/", {"field": "phone", "value": "507-555-0100", "purpose": "contacting_customers"}
    )
    assert "acts only on a customer&#x27;s request: choose the open request" in no_request.content.decode()


def test_the_home_says_one_open_request_in_the_singular(customer, service_rep, open_request, console):
    request_take(request=open_request(customer, "customer_service"), by=service_rep)
    html = console(service_rep).get("/staff/").content.decode()
    assert "open request assigned to you" in html and "open requests assigned to you" not in html
    assert "open request of your services nobody has taken" not in html  # none unassigned: the plural
    assert "open requests of your services nobody has taken" in html
