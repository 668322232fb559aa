"""A disconnection ordered for a coming day is withdrawn the moment the customer asks for a payment agreement,
or one is agreed (Minn. Stat. § 216B.098 subd. 3: no disconnection while a request is not answered, nor
while an agreement is kept), and nothing issues it again.

Personas: Bob Brandt owes $180 past due since September; Colin, the collections agent, mailed him a notice
of proposed disconnection and ordered his natural gas disconnected on a coming working day. Then Bob asks
for a payment agreement (in the portal, or by phone to Colin). Fiona, the field-services technician, works
from the list of disconnection orders: the order is there marked withdrawn, not to be carried out. Bob is
told by letter (in English, or in Spanish when he reads Spanish) and on the portal home that the
disconnection planned for that day will not happen while his request is decided, and the access log keeps
the withdrawal on his record. If the request is refused, the withdrawn order stays withdrawn: a new notice
and a new order are needed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from custodian.audit.models import AccessEvent
from custodian.billing.services import bill_run
from custodian.collecting.models import DisconnectionOrder, PaymentAgreement
from custodian.collecting.notices import disconnection_notice_send
from custodian.collecting.services import (
    DisconnectionForbidden,
    disconnection_notice_event,
    disconnection_notice_record,
    disconnection_order_issue,
    payment_agreement_agree,
    payment_agreement_request,
)
from custodian.customers.models import Account, Customer, ServicePoint
from custodian.outbox.models import OutboundMessage
from custodian.policy.loader import current_policy
from custodian.testing import bill_charged, letter_text
from custodian.testing.portal import signed_in

REASON = "216B.098 subd. 3"


def working_day(after: date) -> date:
    """The first Tuesday or Wednesday after `after` that is neither a holiday nor the day before one: a day
    the Cold Weather Rule lets a disconnection be carried out."""
    holidays = current_policy().holidays
    day = after + timedelta(days=1)
    while day.weekday() not in (1, 2) or day in holidays or day + timedelta(days=1) in holidays:
        day += timedelta(days=1)
    return day


def gas_ordered(
    account, colin, *, noticed: date, on: date, service: str = "gas", answered: bool = True
) -> DisconnectionOrder:
    """A notice of proposed disconnection of the gas (or `service`) mailed on `noticed` and answered the next
    day (or not answered, the home found occupied and the occupant told of the rule), then the order for
    `on`: issued."""
    notice = disconnection_notice_record(account_id=account.pk, service=service, sent_on=noticed)
    after = noticed + timedelta(days=1)
    if answered:
        disconnection_notice_event(notice_id=notice.pk, event="answered", on=after)
    else:
        disconnection_notice_event(
            notice_id=notice.pk, event="occupancy_investigated", on=after, unit_occupied=True
        )
        disconnection_notice_event(notice_id=notice.pk, event="occupant_told", on=after)
    order = disconnection_order_issue(account_id=account.pk, service=service, on=on, by=colin)
    assert order.issued
    return order


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def bob(other_customer):
    """Bob Brandt's August bill unpaid ($180), past due since September 22."""
    account = Account.objects.get(customer=other_customer)
    bill_charged(account, 8, "180.00")
    return account


@pytest.fixture
def ordered(bob, collections_agent, today):
    """Colin's notice mailed 25 days ago, and the order for the gas on a coming working day."""
    return gas_ordered(bob, collections_agent, noticed=today - timedelta(days=25), on=working_day(today))


def test_a_request_by_phone_withdraws_the_order_and_bob_is_told(
    bob, ordered, collections_agent, console, today
):
    page = console(collections_agent).post(
        f"/staff/collections/accounts/{bob.pk}/agreement/", {"asked_installment": "45"}, follow=True
    )
    agreement = PaymentAgreement.objects.get(account=bob)
    assert agreement.status == PaymentAgreement.Status.REQUESTED
    assert agreement.monthly_installment == Decimal("45.00")
    said = page.content.decode()
    assert f"Payment agreement {agreement.pk} asked for" in said and "Disconnection withdrawn (gas on" in said
    ordered.refresh_from_db()
    assert ordered.withdrawn and ordered.withdrawn_for == agreement
    assert f"payment agreement {agreement.pk} asked for on {today:%Y-%m-%d}" in ordered.withdrawn_reason
    assert REASON in ordered.withdrawn_reason and "a new notice and a new order" in ordered.withdrawn_reason
    # the access log: a change on Bob's record, by collections, naming the order (no personal value)
    (event,) = AccessEvent.objects.filter(action="disconnection_withdrawn")
    assert event.customer_id == str(bob.customer_id)
    assert event.actor_kind == "staff" and "collections" in event.roles
    assert f"disconnection order {ordered.pk} (gas, account {bob.pk}," in event.reason
    # the letter: the day in words, the account by the number on the bill
    (letter,) = OutboundMessage.objects.filter(template="disconnection_withdrawn")
    text = letter_text(letter)
    day = date_format(ordered.scheduled_for, "F j, Y")
    assert f"The disconnection of your natural gas service planned for {day} will not happen" in text
    assert "while your request is decided" in text and "0010000002" in text
    assert "new notice of proposed disconnection before any disconnection" in text


def test_a_request_in_the_portal_withdraws_it_and_the_home_says_the_request_protects(
    households, collections_agent, today
):
    (customer, app), _ = households
    account = Account.objects.get(customer=customer)
    # October billed sixty days ago: due some forty days ago, unpaid
    assert bill_run(cycle="2026-10", issued_on=today - timedelta(days=60)) == 2
    service = ServicePoint.objects.filter(premise_id=account.premise_id).values_list("service", flat=True)[0]
    order = gas_ordered(
        account,
        collections_agent,
        noticed=today - timedelta(days=25),
        on=working_day(today),
        service=service,
        answered=False,
    )
    client = signed_in(app, "pat@example.com")
    home = client.get("/portal/me/").content.decode()
    assert "pay or call us" in home  # the notice standing, before she asks
    asked = client.post(
        "/portal/me/payment-agreement/", {"account": account.pk, "installment": ""}, follow=True
    ).content.decode()
    day = date_format(order.scheduled_for)
    assert f"The disconnection planned for {day} will not happen while your request is decided." in asked
    order.refresh_from_db()
    assert order.withdrawn
    event = AccessEvent.objects.get(action="disconnection_withdrawn")
    assert (event.actor_kind, event.actor_id) == ("system", "collections")  # the utility withdrew it
    assert OutboundMessage.objects.filter(template="disconnection_withdrawn", to_customer=customer).exists()
    home = client.get("/portal/me/").content.decode()
    assert "but your payment agreement protects your service" in home
    assert f"The disconnection planned for {day} will not happen while your request is decided." in home
    assert "pay or call us" not in home
    # who has seen or changed my data: the withdrawal in the customer's words
    changes = client.get("/portal/me/who-has-seen-my-data/").content.decode()
    assert "Withdrew a planned disconnection of your service for your payment agreement" in changes
    # the same in Spanish
    home = client.get("/portal/me/?lang=es").content.decode()
    with translation.override("es"):
        dia = date_format(order.scheduled_for)
    assert "pero su acuerdo de pago protege su servicio" in home
    assert f"La desconexión prevista para el {dia} no se realizará mientras se decide su solicitud." in home


def test_bob_reading_spanish_gets_the_letter_in_spanish(bob, ordered, today):
    Customer.objects.filter(pk=bob.customer_id).update(language="es")
    payment_agreement_request(account_id=bob.pk, requested_on=today, by="customer")
    text = letter_text(OutboundMessage.objects.get(template="disconnection_withdrawn"))
    with translation.override("es"):
        dia = date_format(ordered.scheduled_for, r"j \d\e F \d\e Y")
    assert f"La desconexión de su servicio de gas natural prevista para el {dia} no se realizará" in text
    assert "mientras se decide su solicitud" in text


def test_field_services_sees_it_withdrawn_not_to_be_carried_out(
    bob, ordered, customer, collections_agent, field_tech, console, today
):
    alice = Account.objects.get(customer=customer)
    bill_charged(alice, 8, "90.00")
    alices = disconnection_order_issue(
        account_id=alice.pk, service="water", on=working_day(today), by=collections_agent
    )
    payment_agreement_request(account_id=bob.pk, requested_on=today, by="customer")
    page = console(field_tech).get("/staff/field/disconnections/").content.decode()
    rows = {o.pk: page[page.index(f"<td>{o.pk}</td>") :].split("</tr>")[0] for o in (ordered, alices)}
    assert "Withdrawn: not to be carried out" in rows[ordered.pk] and REASON in rows[ordered.pk]
    assert "To be carried out" in rows[alices.pk] and "Withdrawn" not in rows[alices.pk]
    assert f"Internal ref. {bob.pk}" in rows[ordered.pk]
    assert "0010000002" not in page and "Brandt" not in page  # nothing personal on the list
    # the account's page in collections says so too
    account_page = console(collections_agent).get(f"/staff/billing/accounts/{bob.pk}/").content.decode()
    assert "not to be carried out" in account_page


def test_an_order_carried_out_or_refused_is_left_as_it_is(bob, collections_agent, today):
    past = DisconnectionOrder.objects.create(
        account=bob, service="water", scheduled_for=today - timedelta(days=3), issued=True
    )
    refused = DisconnectionOrder.objects.create(
        account=bob, service="water", scheduled_for=working_day(today), issued=False, reasons=["a reason"]
    )
    agreement = payment_agreement_request(account_id=bob.pk, requested_on=today, by="customer")
    assert agreement.withdrawn_orders == []
    for order in (past, refused):
        order.refresh_from_db()
        assert not order.withdrawn
    assert not AccessEvent.objects.filter(action="disconnection_withdrawn").exists()
    assert not OutboundMessage.objects.filter(template="disconnection_withdrawn").exists()


def test_an_agreement_agreed_withdraws_an_order_still_standing(bob, collections_agent, today):
    """An order issued before a request was recorded here (kept from before): withdrawn when it is agreed."""
    agreement = PaymentAgreement.objects.create(account=bob, requested_on=today - timedelta(days=5))
    order = DisconnectionOrder.objects.create(
        account=bob, service="water", scheduled_for=working_day(today), issued=True
    )
    payment_agreement_agree(
        agreement_id=agreement.pk, installment=Decimal("60"), by=collections_agent, on=today
    )
    order.refresh_from_db()
    assert order.withdrawn and f"payment agreement {agreement.pk} agreed on" in order.withdrawn_reason
    text = letter_text(OutboundMessage.objects.get(template="disconnection_withdrawn"))
    assert "will not happen while you keep your agreement" in text


def test_a_refused_request_does_not_revive_the_order_and_a_new_notice_is_needed(
    bob, ordered, collections_agent, today
):
    asked_on = today - timedelta(days=2)  # a notice mailed the day of a request counts as before it
    agreement = payment_agreement_request(account_id=bob.pk, requested_on=asked_on, by="customer")
    assert agreement.withdrawn_orders == [ordered]
    # the request is refused (collections could not agree one): the agreement is no longer in force
    PaymentAgreement.objects.filter(pk=agreement.pk).update(status=PaymentAgreement.Status.BROKEN)
    ordered.refresh_from_db()
    assert ordered.withdrawn and ordered.issued
    # the notice mailed before the request is superseded by it: no order on it
    with pytest.raises(DisconnectionForbidden, match="notice"):
        disconnection_order_issue(
            account_id=bob.pk, service="gas", on=working_day(today), by=collections_agent
        )
    # a new notice, then a new order (20 days after its mailing): issued; the old one still withdrawn
    notice = disconnection_notice_send(
        account_id=bob.pk, service="gas", sent_on=today, by=collections_agent, today=today
    )
    disconnection_notice_event(notice_id=notice.pk, event="answered", on=today)
    new = disconnection_order_issue(
        account_id=bob.pk, service="gas", on=working_day(today + timedelta(days=20)), by=collections_agent
    )
    assert new.issued and not new.withdrawn
    ordered.refresh_from_db()
    assert ordered.withdrawn
