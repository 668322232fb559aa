"""A billing clerk, a customer-service rep, a marketer and the privacy officer each do their job in the
console, inside the policy's limits, and every look is in the access log with its purpose."""

import csv
import io
import json

from django_otp.oath import totp

from custodian.audit.models import AccessEvent
from custodian.casework.models import CustomerRequest
from custodian.console.tests.phones import phone_on_record
from custodian.demo.personas import DEMO_PASSWORD
from custodian.incidents import selectors as flags
from custodian.policy.loader import current_policy
from custodian.testing.desk import request_entered
from custodian.vault.models import BreakGlassGrant
from custodian.vault.services import Submission, marketing_preference_set

PHONE_CALL = Submission(channel="phone", notice_key="portal_profile", recorded_by_label="Cora Lindqvist")


def test_the_customer_page_masks_everything_until_a_purpose_is_given(console, billing_clerk, customer):
    client = console(billing_clerk)
    html = client.get(f"/staff/customers/{customer.pk}/").content.decode()
    assert "Alice" not in html and "••••••" in html
    response = client.post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name", "mailing_address"], "purpose": "billing"}
    )
    html = response.content.decode()
    assert "Alice Anderson" in html and "This view is logged" in html
    event = AccessEvent.objects.order_by("-seq").first()
    assert (event.actor_label, event.purpose, event.decision) == ("bill.clerk", "billing", "allow")


def test_a_billing_clerk_cannot_see_the_bank_account(console, billing_clerk, customer):
    response = console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["bank_account"], "purpose": "billing"}
    )
    html = response.content.decode()
    assert "routing" not in html and "Not allowed" in html
    assert AccessEvent.objects.order_by("-seq").first().decision == "deny"


def test_a_service_rep_records_a_call_and_reads_contact_details_while_working_it(
    console, service_rep, customer
):
    client = console(service_rep)
    response = request_entered(
        client,
        {
            "channel": "phone",
            "kind": "other",
            "account_number": "001-000-0001",
            "purpose": "resolving_problems",
            "verification": "account_and_fact",
            "verified_with": "service_address",
            "message": "Asked to be called back.",
        },
    )
    assert response.status_code == 302
    req = CustomerRequest.objects.get()
    assert (req.customer_id, req.owning_service, req.channel, req.opened_by) == (
        customer.pk,
        "customer_service",
        "phone",
        service_rep,
    )
    assert (req.verification, req.verified_with) == ("account_and_fact", "service_address")
    without = client.post(
        f"/staff/customers/{customer.pk}/", {"fields": ["phone"], "purpose": "contacting_customers"}
    )
    assert "(507) 555-0101" not in without.content.decode()
    with_request = client.post(
        f"/staff/customers/{customer.pk}/",
        {"fields": ["phone"], "purpose": "contacting_customers", "request": str(req.pk)},
    )
    assert "(507) 555-0101" in with_request.content.decode()
    assert AccessEvent.objects.order_by("-seq").first().own_request == "yes"  # she entered it herself
    messages = client.post(f"/staff/requests/{req.pk}/", {"read": "1", "purpose": "resolving_problems"})
    assert "Asked to be called back." in messages.content.decode()
    asked = client.post(f"/staff/requests/{req.pk}/close/", {"reason": "called back"})
    assert "Close this request?" in asked.content.decode()  # a confirmation step first: nothing closed yet
    req.refresh_from_db()
    assert req.status == "open"
    client.post(f"/staff/requests/{req.pk}/close/", {"reason": "called back", "confirmed": "1"})
    after = client.post(
        f"/staff/customers/{customer.pk}/",
        {"fields": ["phone"], "purpose": "contacting_customers", "request": str(req.pk)},
    )
    assert "(507) 555-0101" not in after.content.decode()


# Dana Moe, not yet a customer, at the counter: she is moving to Owatonna and wants service started.
DANA_WALKS_IN = {
    "channel": "in_person",
    "kind": "service_change",
    "name": "Dana Moe",
    "phone": "507-555-0303",
    "verification": "not_a_customer",
    "message": "Moving to Owatonna, wants service started.",
}


def test_a_walk_in_from_someone_new_becomes_an_inquirer(console, service_rep, db):
    response = request_entered(console(service_rep), DANA_WALKS_IN)
    assert response.status_code == 302
    assert CustomerRequest.objects.get().customer.customer_class == "inquirer"


def test_the_intake_page_names_each_notice_not_its_key(console, service_rep, db):
    page = console(service_rep).get("/staff/requests/new/").content.decode()
    assert "Call request notice, version" in page and "Notice call_request" not in page


def test_intake_errors_name_the_problem_and_keep_the_input(console, service_rep, db):
    response = console(service_rep).post(
        "/staff/requests/new/", {"channel": "phone", "kind": "other", "message": "Hi"}
    )
    html = response.content.decode()
    assert (
        response.status_code == 400 and "account number, or a name" in html and "notice at collection" in html
    )
    assert "Hi</textarea>" in html


def test_intake_checks_a_telephone_number_and_keeps_it_in_one_form(console, service_rep, db):
    client = console(service_rep)
    refused = request_entered(client, {**DANA_WALKS_IN, "phone": "abc"})
    html = refused.content.decode()
    assert 'id="id_phone_error">Enter a US telephone number with its area code' in html
    assert "Telephone (if not a customer)" in html and not CustomerRequest.objects.exists()
    assert request_entered(client, {**DANA_WALKS_IN, "phone": "(507) 451 2480"}).status_code == 302
    inquirer = CustomerRequest.objects.get().customer
    assert phone_on_record(inquirer.pk) == "507-451-2480"


def test_hand_off_moves_the_request_and_its_access(
    console, service_rep, collections_agent, customer, open_request
):
    req = open_request(customer, "customer_service")
    response = console(service_rep).post(
        f"/staff/requests/{req.pk}/hand-off/", {"to_service": "collections", "reason": "payment plan"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.owning_service == "collections"
    assert console(service_rep).get(f"/staff/requests/{req.pk}/").status_code == 404
    assert console(collections_agent).get(f"/staff/requests/{req.pk}/").status_code == 200


def test_the_marketer_never_gets_an_opted_out_customer(console, marketer, customer, other_customer):
    marketing_preference_set(customer=other_customer, opted_out=True, submission=PHONE_CALL)
    client = console(marketer)
    assert (
        "1</strong> customers; 1 left out"
        in client.get("/staff/marketing/", {"customer_class": ""}).content.decode()
    )
    audience = {"customer_class": "residential", "service": "", "zip_code": ""}
    # First the confirmation: what the file holds and how many; nothing read, no file.
    asked = client.post("/staff/marketing/", audience)
    page = asked.content.decode()
    assert (
        asked["Content-Type"].startswith("text/html")
        and "Download the contact details of 1 customers?" in page
    )
    assert "Customers: Residential" in page and 'name="confirmed" value="1"' in page
    assert not AccessEvent.objects.filter(purpose="marketing").exists()
    response = client.post("/staff/marketing/", {**audience, "confirmed": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="audience.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows] == ["Alice Anderson"]
    uses = AccessEvent.objects.filter(purpose="marketing", decision="allow")
    assert list(uses.values_list("customer_id", flat=True)) == [str(customer.pk)]


def test_break_glass_needs_reauthentication_and_reaches_the_review_queue(
    console, field_tech, privacy_officer, customer
):
    client = console(field_tech)
    device = field_tech.totpdevice_set.get()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    data = {
        "purpose": "contacting_customers",
        "reason": "Gas smell reported at the premise",
        "password": "wrong",
        "code": code,
    }
    client.post(f"/staff/customers/{customer.pk}/break-glass/", data)
    assert not BreakGlassGrant.objects.exists()

    client.post(f"/staff/customers/{customer.pk}/break-glass/", {**data, "password": DEMO_PASSWORD})
    grant = BreakGlassGrant.objects.get()
    shown = client.post(
        f"/staff/customers/{customer.pk}/", {"fields": ["phone"], "purpose": "contacting_customers"}
    )
    assert "(507) 555-0101" in shown.content.decode()
    officer = console(privacy_officer)
    assert "Gas smell reported" in officer.get("/staff/privacy/").content.decode()
    officer.post(f"/staff/privacy/break-glass/{grant.pk}/review/", {"note": "Confirmed with dispatch."})
    grant.refresh_from_db()
    assert grant.reviewed_by == privacy_officer


def test_the_privacy_officer_answers_a_data_access_request_with_a_package(
    console, privacy_officer, billing_clerk, customer, open_request
):
    console(billing_clerk).post(
        f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"}
    )
    req = open_request(customer, "privacy_officer", kind="data_access")
    client = console(privacy_officer)
    # Not verified yet: no package, and the page says why.
    refused = client.get(f"/staff/requests/{req.pk}/package/", follow=True).content.decode()
    assert "not verified" in refused and "Alice Anderson" not in refused
    client.post(
        f"/staff/requests/{req.pk}/verify/",
        {"method": "photo_id", "verified_with": "drivers_license", "account_number": "0010000001"},
    )
    html = client.get(f"/staff/requests/{req.pk}/package/").content.decode()
    assert "Alice Anderson" in html and "private data on individuals" in html and "Paper form" in html
    package = json.loads(client.get(f"/staff/requests/{req.pk}/package/", {"format": "json"}).content)
    assert {d["label"] for d in package["data"]} >= {"Name", "E-mail address", "Account number"}
    assert any(a["who"]["key"] == "billing" and a["why"]["key"] == "billing" for a in package["accesses"])
    assert package["disclosures"] == []


def test_access_review_filters_and_flags_unusual_access(
    console, privacy_officer, billing_clerk, customer, settings
):
    client = console(billing_clerk)
    client.post(f"/staff/customers/{customer.pk}/", {"fields": ["name"], "purpose": "billing"})
    officer = console(privacy_officer)
    html = officer.get("/staff/privacy/access/", {"customer_id": customer.pk}).content.decode()
    assert "bill.clerk" in html
    flags.UNUSUAL_DISTINCT_CUSTOMERS = 1
    try:
        page = officer.get("/staff/privacy/").content.decode()
        assert "bill.clerk read many customers one at a time without a request" in page
    finally:
        flags.UNUSUAL_DISTINCT_CUSTOMERS = 25


def test_the_public_data_inventory_comes_from_the_policy_file(console, privacy_officer):
    data = json.loads(console(privacy_officer).get("/staff/privacy/inventory/", {"format": "json"}).content)
    assert {d["key"] for d in data["data"]} == {c.fides_key for c in current_policy().categories.values()}
    assert data["responsible_authority"]["title"].startswith("Data Practices Compliance Official")


def test_customer_search_keeps_the_value_out_of_the_url(console, service_rep, customer, open_request):
    client = console(service_rep)
    req = open_request(customer, "customer_service")
    response = client.post(
        "/staff/customers/",
        {
            "field": "email",
            "value": "alice@example.com",
            "purpose": "contacting_customers",
            "request": req.pk,
        },
    )
    assert f"/staff/customers/{customer.pk}/" in response.content.decode()
    assert 'method="post"' in client.get("/staff/customers/").content.decode()
