"""A customer's representative reads as the customer they act for, yet the privacy officer's unusual-access
flags watch them by the representative, whoever they act for (the policy file's `[breach]`): Rosa Reyes, who
holds powers of attorney, is flagged for reading the data of as many customers as
`representative_customers_per_day`, or one customer's data `representative_reads_per_customer_per_day`
times, or for being refused many times; Pablo Prado, a property manager for many owners' accounts, is not
flagged for reading them all. The privacy officer sees the flag, the events behind it in the access review,
marks it reviewed and can open an incident from it that lists the customers whose data were read."""

from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.utils import timezone

from conftest import PAPER_FORM
from custodian.casework.representatives import (
    representative_actor,
    representative_register,
    representative_verify,
)
from custodian.customers.services import customers_enrol
from custodian.demo.generator import application
from custodian.incidents.flag_reviews import reviews_of
from custodian.incidents.models import AffectedPerson, FlagReview
from custodian.incidents.selectors import (
    REFUSED,
    REPRESENTED_MANY,
    REPRESENTED_OFTEN,
    UNUSUAL_DENIALS,
    unusual_access,
)
from custodian.incidents.services import incident_open_from_flag
from custodian.policy.loader import current_policy
from custodian.testing import power_of_attorney
from custodian.vault.gate import Denied, reveal, staff_actor


@pytest.fixture
def town(db):
    """Twelve households."""
    today = timezone.localdate()
    return customers_enrol(applications=[application(12, i, today) for i in range(12)], submission=PAPER_FORM)


def authorities_of_one_person(customers, service_rep, privacy_officer, **differing):
    """One representative's authorities for each of `customers`, in force, all held by the person of the
    first (one sign-in acting for each): Rosa Reyes's powers of attorney, but for what `differing` says."""
    reps = []
    for customer in customers:
        authority = replace(power_of_attorney(customer), **differing)
        rep = representative_register(authority=authority, by=service_rep)
        reps.append(representative_verify(rep=rep, by=privacy_officer, invite_url=lambda t: f"http://x/{t}/"))
    person = reps[0].person
    for rep in reps:
        rep.person = person
        rep.save(update_fields=["person"])
    mail.outbox.clear()
    return reps


def read(rep, field="name", times=1):
    for _ in range(times):
        reveal(
            actor=representative_actor(rep),
            customer_id=rep.customer_id,
            fields=[field],
            purpose="providing_services",
        )


def flags_on(person_id, privacy_officer):
    return [
        f
        for f in unusual_access(fetched_by=staff_actor(privacy_officer))
        if (f.actor_kind, f.actor_id) == ("representative", str(person_id))
    ]


def test_a_representative_reading_as_many_customers_as_the_limit_is_flagged(
    town, service_rep, privacy_officer, console
):
    limit = current_policy().breach["representative_customers_per_day"]
    reps = authorities_of_one_person(town[:limit], service_rep, privacy_officer)
    for rep in reps[:-1]:
        read(rep)
    person = reps[0].person_id
    assert flags_on(person, privacy_officer) == []  # one fewer than the limit
    read(reps[-1])
    [flag] = flags_on(person, privacy_officer)
    assert (flag.actor_kind, flag.kind, flag.count) == ("representative", REPRESENTED_MANY, limit)

    # Only the privacy officer sees it; a service rep gets no flags at all.
    assert unusual_access(fetched_by=staff_actor(service_rep)) == []
    officer = console(privacy_officer)
    home = officer.get("/staff/privacy/").content.decode()
    assert f"Representative customer {person} {REPRESENTED_MANY} ({limit})" in home

    # The events behind it: the access review finds the representative's reads, for every customer.
    events_url = next(u for u in _links(home) if "actor_kind=representative" in u)
    assert parse_qs(urlparse(events_url).query)["actor_id"] == [str(person)]
    shown = officer.get(events_url).content.decode()
    assert all(f"representative {person} (power of attorney, authority {rep.pk})" in shown for rep in reps)

    answer = officer.post(
        "/staff/privacy/flags/review/",
        {
            "kind": flag.kind,
            "actor_kind": flag.actor_kind,
            "actor_id": flag.actor_id,
            "note": "Rosa is her parents' and aunts' attorney in fact; the documents are on file",
        },
    )
    assert answer.status_code == 302
    review = FlagReview.objects.get()
    assert (review.actor_kind, review.actor_id, review.reviewed_by) == (
        "representative",
        str(person),
        privacy_officer,
    )
    assert reviews_of([flag])[("representative", str(person), REPRESENTED_MANY)] == review

    # An incident opened from the flag lists the customers whose data she read.
    incident = incident_open_from_flag(opened_by=privacy_officer, flag=flag)
    affected = set(AffectedPerson.objects.filter(incident=incident).values_list("customer_id", flat=True))
    assert affected == {rep.customer_id for rep in reps}


def test_a_property_manager_reading_many_owners_accounts_is_not_flagged(town, service_rep, privacy_officer):
    pablo = authorities_of_one_person(
        town,
        service_rep,
        privacy_officer,
        kind="property_manager",
        name="Pablo Prado",
        email="pablo@example.org",
    )
    assert len(town) < current_policy().breach["property_manager_customers_per_day"]
    assert len(town) >= current_policy().breach["representative_customers_per_day"]
    for rep in pablo:
        read(rep, times=2)
    assert flags_on(pablo[0].person_id, privacy_officer) == []


def test_one_customer_read_at_an_unusual_rate_is_flagged(town, service_rep, privacy_officer):
    times = current_policy().breach["representative_reads_per_customer_per_day"]
    [rosa] = authorities_of_one_person(town[:1], service_rep, privacy_officer)
    read(rosa, times=times - 1)
    assert flags_on(rosa.person_id, privacy_officer) == []
    read(rosa)
    [flag] = flags_on(rosa.person_id, privacy_officer)
    assert (flag.kind, flag.count) == (REPRESENTED_OFTEN, times)


def test_a_representative_refused_many_times_is_flagged(town, service_rep, privacy_officer):
    [rosa] = authorities_of_one_person(town[:1], service_rep, privacy_officer, categories=["bills"])
    for _ in range(UNUSUAL_DENIALS):
        with pytest.raises(Denied):
            read(rosa, field="meter_usage")
    [flag] = flags_on(rosa.person_id, privacy_officer)
    assert (flag.actor_kind, flag.kind, flag.count) == ("representative", REFUSED, UNUSUAL_DENIALS)


def _links(html: str) -> list[str]:
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in html.split('href="')[1:]]
