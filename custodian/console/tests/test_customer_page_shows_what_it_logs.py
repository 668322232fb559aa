"""The console's customer page logs as shown only what it shows: the bills asked for are shown as their
summaries, read from their sealed documents (an access event naming the bills, apart from the values'), and
a look refused in part shows and logs nothing as shown. It links only to the pages that let the member in:
the Green Button file and the authorised representatives."""

import pytest

from custodian.audit.events import settle_detached
from custodian.audit.models import AccessEvent
from custodian.billing.models import Bill
from custodian.billing.services import bill_run
from custodian.testing.billing import YEAR, household

CYCLE = "2026-10"


@pytest.fixture
def billed(db):
    """Olga Ostby, billed for October 2026."""
    customer = household("Olga Ostby", "0030000088", YEAR)
    bill_run(cycle=CYCLE)
    return customer


def _last_seq() -> int:
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _allowed_since(seq: int, customer) -> list[AccessEvent]:
    return list(
        AccessEvent.objects.filter(seq__gt=seq, customer_id=str(customer.pk), decision="allow").order_by(
            "seq"
        )
    )


def test_bill_clerk_sees_the_bills_asked_for_and_each_read_names_what_it_shows(
    billed, billing_clerk, console
):
    bill = Bill.objects.get(customer=billed, cycle=CYCLE)
    before = _last_seq()
    page = console(billing_clerk).post(
        f"/staff/customers/{billed.pk}/", {"fields": ["bills", "meter_usage"], "purpose": "billing"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert f"Bill {bill.pk} for {CYCLE}: ${bill.total}, due {bill.due_on:%Y-%m-%d}" in text
    assert "not on file" not in text
    reads = {(e.action, e.categories, e.purpose) for e in _allowed_since(before, billed)}
    assert reads == {("reveal", "meter_usage", "billing"), ("reveal_documents", "bills", "billing")}


# A transaction of its own: the refusal is written on a connection of its own while the look's is open.
@pytest.mark.django_db(transaction=True)
def test_a_look_refused_for_the_bills_logs_no_value_as_shown_for_fiona(billed, field_tech, console):
    before = _last_seq()
    page = console(field_tech).post(
        f"/staff/customers/{billed.pk}/", {"fields": ["name", "bills"], "purpose": "providing_services"}
    )
    assert "Not allowed" in page.content.decode() and "Olga Ostby" not in page.content.decode()
    settle_detached()
    # The name was read before the bills were refused: its read went with the look, no event says it shown.
    assert _allowed_since(before, billed) == []
    refused = AccessEvent.objects.filter(seq__gt=before, customer_id=str(billed.pk), decision="deny")
    assert [e.categories for e in refused] == ["bills"]


@pytest.mark.parametrize(
    "persona, green_button, representatives",
    [
        ("field_tech", True, False),
        ("service_rep", True, True),
        ("billing_clerk", False, False),
        ("collections_agent", False, False),
        ("marketer", False, False),
        ("counsel", False, False),
        ("privacy_officer", False, True),
    ],
)
def test_the_customer_page_links_only_to_pages_that_let_the_member_in(
    customer, console, request, persona, green_button, representatives
):
    client = console(request.getfixturevalue(persona))
    page = client.get(f"/staff/customers/{customer.pk}/").content.decode()
    green_button_url = f"/staff/customers/{customer.pk}/green-button.xml"
    representatives_url = f"/staff/customers/{customer.pk}/representatives/"
    assert (green_button_url in page, representatives_url in page) == (green_button, representatives)
    # Each link's page lets in exactly the members it is shown to.
    assert (client.get(green_button_url).status_code == 200) == green_button
    assert (client.get(representatives_url).status_code == 200) == representatives
