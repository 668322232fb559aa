""" "Who has seen or changed my data" takes the asker, for the portal and the console alike: the customer
themself sees every event about them made by others, and so do staff answering them; a representative whose
authority covers only the meter usage sees the events whose every data category is the meter usage (not
collections reading the disconnection protection facts, the bank account, the correspondence, an e-mail
address, nor an event naming no data, such as a change to the customer's sign-in); another customer sees
none. The access log's words for who acted name an app the customer authorised, never a raw kind."""

from django.utils import translation

from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words, who_has_seen
from custodian.testing import password_change_logged, read_event
from custodian.testing.askers import askers, representative_asker
from custodian.vault.gate import customer_actor, staff_actor

# What others did about the customer: the data categories of each event.
SEEN = {
    "meter_usage": {"roles": "billing", "purpose": "billing"},
    "disconnection_protection": {"roles": "collections", "purpose": "collecting_payments"},
    "bank_account": {"roles": "collections", "purpose": "collecting_payments"},
    "correspondence": {"roles": "customer_service", "purpose": "contacting_customers"},
    "email": {"roles": "customer_service", "purpose": "contacting_customers"},
    "meter_usage,name": {"roles": "billing", "purpose": "billing"},
}


def _logged(customer) -> int:
    """The events, after those the customer's enrolment wrote; the last of those."""
    before = AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    append_events(read_event(customer.pk, categories=cats, **more) for cats, more in SEEN.items())
    password_change_logged(customer)
    return before


def test_each_asker_sees_the_events_of_the_data_their_authority_covers(
    customer, other_customer, service_rep, privacy_officer
):
    before = _logged(customer)
    who = askers(customer, other_customer, service_rep)

    def seen(asker, **order):
        events = who_has_seen(customer_id=customer.pk, fetched_by=asker, limit=None, **order)
        return [e.categories for e in events.filter(seq__gt=before)]

    # Everything for the customer and staff (the sign-in's change and the authority's registration name no
    # data).
    assert seen(who.mine) == seen(staff_actor(privacy_officer))
    assert set(seen(who.mine)) == {*SEEN, ""}
    assert seen(who.usage_only) == ["meter_usage"]
    assert seen(who.other) == []
    # An authority covering the usage and the name sees the events of both, newest or oldest first; the
    # page's first 500 alike.
    both = representative_asker(customer, service_rep, categories=("meter_usage", "name"))
    assert seen(both) == ["meter_usage,name", "meter_usage"]
    assert seen(both, oldest_first=True) == ["meter_usage", "meter_usage,name"]
    assert {e.categories for e in who_has_seen(customer_id=customer.pk, fetched_by=both)} <= {
        "meter_usage",
        "name",
        "meter_usage,name",
    }


def test_an_app_the_customer_authorised_is_named_in_words(customer):
    before = _logged(customer)
    append_events(
        [
            read_event(
                customer.pk,
                actor_kind="third_party",
                actor_id="3",
                actor_label="Sunny Solar Analytics",
                roles="connect_my_data",
                purpose="providing_services",
                categories="meter_usage",
            )
        ]
    )
    event = who_has_seen(customer_id=customer.pk, fetched_by=customer_actor(customer.pk)).first()
    assert event.seq > before
    (seen,) = seen_in_words([event])
    assert seen.who == "Sunny Solar Analytics, an app you authorized"
    with translation.override("es"):
        (seen_in_spanish,) = seen_in_words([event])
    assert seen_in_spanish.who == "Sunny Solar Analytics, una aplicación que usted autorizó"
    assert "third_party" not in seen.who
