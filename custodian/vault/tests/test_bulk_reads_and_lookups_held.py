"""The hourly limit of customers a staff member reads without a request covers more than one customer at a
time: a marketing audience (a file of many customers' contact details, the read an insider would take)
and a lookup (who is a customer, by account number, e-mail address or phone) count towards it and are held
past it, like a read of one customer. The privacy officer's approval lets them on; a held download is said
to be held, not "not found"."""

import pytest

from conftest import PAPER_FORM
from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.console.marketing import AudienceFilter, audience_build
from custodian.testing.town import LIMIT, town_account_number, town_enrol
from custodian.vault.gate import Held, find_customers, reveal, reveal_many, staff_actor
from custodian.vault.models import ReadHold
from custodian.vault.services import read_hold_decide


@pytest.fixture
def town(db):
    return town_enrol(PAPER_FORM)


def name_read(member, customer):
    return reveal(actor=staff_actor(member), customer_id=customer.pk, fields=["name"], purpose="billing")


def test_an_audience_past_the_limit_waits_for_the_privacy_officer(marketer, privacy_officer, town):
    with pytest.raises(Held) as held:
        audience_build(actor=staff_actor(marketer), f=AudienceFilter())
    assert f"{len(town)} customers in one read" in str(held.value)
    hold = ReadHold.objects.get(pk=held.value.hold_id)
    assert hold.user == marketer and hold.status == ReadHold.Status.PENDING
    assert not AccessEvent.objects.filter(purpose="marketing", decision="allow").exists()
    assert AccessEvent.objects.filter(purpose="marketing", decision="deny", reason__contains="held").exists()

    read_hold_decide(hold_id=hold.pk, decided_by=privacy_officer, approve=True, note="The spring newsletter")
    rows = audience_build(actor=staff_actor(marketer), f=AudienceFilter())
    assert len(rows) == len(town)


def test_a_file_within_the_limit_counts_towards_it(marketer, town):
    """Twenty customers' contact details in one file, then a twenty-first customer read alone: held; one of
    the twenty read again is no new reach."""
    reveal_many(
        actor=staff_actor(marketer),
        customer_ids=[c.pk for c in town[:LIMIT]],
        fields=["name", "email"],
        purpose="marketing",
        action=Action.MARKETING_AUDIENCE,
        hourly_limit=True,
    )
    assert reveal(actor=staff_actor(marketer), customer_id=town[0].pk, fields=["name"], purpose="marketing")
    with pytest.raises(Held):
        reveal(actor=staff_actor(marketer), customer_id=town[LIMIT].pk, fields=["name"], purpose="marketing")


def test_a_working_list_on_a_page_is_not_counted(marketer, town):
    """Without `hourly_limit` (the collections worklist's protections, shown on a page) nothing is held."""
    values = reveal_many(
        actor=staff_actor(marketer),
        customer_ids=[c.pk for c in town],
        fields=["name"],
        purpose="marketing",
    )
    assert len(values) == len(town) and not ReadHold.objects.exists()


def test_lookups_count_towards_the_limit_and_are_held_past_it(billing_clerk, town):
    """A clerk who has read twenty customers can't go on finding out who the others are."""
    for customer in town[:LIMIT]:
        name_read(billing_clerk, customer)
    assert find_customers(
        actor=staff_actor(billing_clerk),
        field="name",
        value=str(name_read(billing_clerk, town[0])["name"]),
        purpose="billing",
    ) == [town[0].pk]
    with pytest.raises(Held, match="held for the privacy officer"):
        find_customers(
            actor=staff_actor(billing_clerk),
            field="account_number",
            value=town_account_number(LIMIT),
            purpose="billing",
        )
    assert not AccessEvent.objects.filter(
        action="lookup", decision="allow", customer_id=str(town[LIMIT].pk)
    ).exists()


def test_lookups_alone_reach_the_limit(billing_clerk, town):
    for i in range(LIMIT):
        find_customers(
            actor=staff_actor(billing_clerk),
            field="account_number",
            value=town_account_number(i),
            purpose="billing",
        )
    with pytest.raises(Held):
        name_read(billing_clerk, town[LIMIT])


def test_a_held_green_button_download_says_it_is_held(console, field_tech, town):
    client = console(field_tech)
    for customer in town[:LIMIT]:
        assert client.get(f"/staff/customers/{customer.pk}/green-button.xml").status_code == 200
    held = client.get(f"/staff/customers/{town[LIMIT].pk}/green-button.xml", follow=True)
    page = held.content.decode()
    assert held.redirect_chain[-1][0] == f"/staff/customers/{town[LIMIT].pk}/"
    assert "This download is held for the privacy officer" in page and "Not found" not in page


def test_a_held_audience_download_is_said_on_the_marketing_page(console, marketer, town):
    answer = console(marketer).post(
        "/staff/marketing/", {"customer_class": "", "service": "", "zip_code": "", "confirmed": "1"}
    )
    assert answer.status_code == 403 and answer["Content-Type"].startswith("text/html")
    assert "This download is held for the privacy officer" in answer.content.decode()


def test_a_held_lookup_is_said_on_the_search_page(console, billing_clerk, town):
    for customer in town[:LIMIT]:
        name_read(billing_clerk, customer)
    page = console(billing_clerk).post(
        "/staff/customers/",
        {"field": "account_number", "value": town_account_number(LIMIT), "purpose": "billing"},
    )
    assert "This lookup is held for the privacy officer" in page.content.decode()
