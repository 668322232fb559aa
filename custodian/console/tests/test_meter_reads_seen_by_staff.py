"""A member of staff's look at an account's meter reads is their own read: the access event names them (their
support service, for the customer) reading the meter usage for providing services, once for each time the
page is drawn, never as the reads job."""

from datetime import date

import pytest

from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words
from custodian.testing.billing import account_opened

READ = {
    "service": "water",
    "read_on": "2026-09-30",
    "index": "1000",
    "kind": "regular",
    "new_meter_start": "0",
}


@pytest.fixture
def account(customer):
    return account_opened(customer, date(2026, 9, 1))


def _events_about(customer):
    return AccessEvent.objects.filter(customer_id=str(customer.pk)).order_by("seq")


def _last_seq() -> int:
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _staff_look(event, user):
    return (
        event.actor_kind,
        event.actor_label,
        event.on_behalf_of,
        event.categories,
        event.purpose,
        event.decision,
    ) == ("staff", user.get_username(), "", "meter_usage", "providing_services", "allow")


def test_the_reads_page_is_fiona_fields_own_read_once_per_view(account, customer, field_tech, console):
    client = console(field_tech)
    before = _events_about(customer).count()
    assert client.get(f"/staff/accounts/{account.pk}/reads/").status_code == 200
    (look,) = _events_about(customer)[before:]
    assert _staff_look(look, field_tech)
    # The customer reads who looked as the technician's support service, not as an automated job.
    assert [seen.who for seen in seen_in_words([look])] == ["Field services"]


def test_a_refused_read_draws_the_page_again_with_one_look_of_coras(account, customer, service_rep, console):
    client = console(service_rep)
    assert client.post(f"/staff/accounts/{account.pk}/reads/", READ).status_code == 302
    before = _events_about(customer).count()
    low = client.post(
        f"/staff/accounts/{account.pk}/reads/", {**READ, "read_on": "2026-10-31", "index": "10"}
    )
    assert low.status_code == 400
    (look,) = _events_about(customer)[before:]
    assert _staff_look(look, service_rep)
    assert [seen.who for seen in seen_in_words([look])] == ["Customer service"]
    # A form that does not validate is drawn again the same way.
    before = _events_about(customer).count()
    assert client.post(f"/staff/accounts/{account.pk}/reads/", {**READ, "index": ""}).status_code == 400
    (look,) = _events_about(customer)[before:]
    assert _staff_look(look, service_rep)


def test_storing_a_read_stays_the_reads_jobs_read_for_fiona(account, customer, field_tech, console):
    before = _last_seq()
    assert console(field_tech).post(f"/staff/accounts/{account.pk}/reads/", READ).status_code == 302
    # The document read to be written back (and the change recorded): the job's, on Fiona's behalf.
    (read,) = _events_about(customer).filter(seq__gt=before, action="reveal")
    assert (read.actor_kind, read.actor_label, read.on_behalf_of) == (
        "system",
        "usage_import",
        field_tech.get_username(),
    )
