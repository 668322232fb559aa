"""The portal's home answers what the customer owes and when, how this month's use compares with the same
month last year, and which requests are open; the bill and the usage are read through the gate as the
customer, each read logged."""

from datetime import date

from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.casework.services import Intake, request_intake
from custodian.testing.portal import signed_in
from custodian.usage.services import month_against_last_year
from custodian.vault.gate import customer_actor


def test_the_home_says_what_is_owed_how_use_compares_and_what_is_open(metered):  # noqa: F811
    customer, app, months = metered
    cycle = months[-1]["month"]
    assert bill_run(cycle=cycle) == 1
    bill = Bill.objects.get(customer=customer, cycle=cycle)
    req, _ = request_intake(
        intake=Intake(
            kind="privacy_question", channel="portal", message="Who reads my meter?", customer_id=customer.pk
        )
    )
    client = signed_in(app, "glance@example.com")
    before = AccessEvent.objects.count()
    page = client.get("/portal/me/").content.decode()

    assert "What you owe" in page and f"${bill.total:.2f}" in page
    assert f"Due {bill.due_on:%B %-d, %Y}" in page
    assert f"Your use in {date.fromisoformat(cycle + '-01'):%B}" in page and "Electricity" in page
    assert "kWh" in page and "last year" in page
    assert f"#{req.pk}: Privacy question" in page
    mine = AccessEvent.objects.filter(pk__gt=before, actor_kind="customer", customer_id=str(customer.pk))
    assert {(e.action, e.purpose) for e in mine} >= {
        ("reveal_documents", "billing"),
        ("reveal_intervals", "providing_services"),
    }


def test_this_month_is_compared_with_the_same_days_last_year(metered):  # noqa: F811
    customer, _, months = metered
    glance = month_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    electric = next(r for r in glance["rows"] if r["service"] == "electric")
    # The demo's months add up to the bills: the latest whole month against its month a year before.
    assert round(electric["now"]) == round(months[-1]["total"])
    assert round(electric["before"]) == round(months[-13]["total"])
    assert electric["direction"] in ("more", "less", "same") and electric["change"] >= 0


def test_this_month_and_last_year_are_one_read_of_the_interval_store(metered):  # noqa: F811
    customer, _, _ = metered
    before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert month_against_last_year(actor=customer_actor(customer.pk), customer_id=customer.pk)
    [event] = AccessEvent.objects.filter(pk__gt=before)
    assert (event.action, event.decision, event.customer_id) == (
        "reveal_intervals",
        "allow",
        str(customer.pk),
    )


def test_a_customer_without_bills_or_readings_sees_that_plainly(households):  # noqa: F811
    (_, app), _ = households
    page = signed_in(app, "plain@example.com").get("/portal/me/").content.decode()
    assert "No bills yet." in page or "Nothing to pay now." in page
    assert "None open." in page
