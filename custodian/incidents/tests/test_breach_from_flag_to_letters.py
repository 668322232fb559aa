"""Breach handling from the flag to the letters, through the console: a staff member's reads without a request
are held at the policy file's limit per hour until the privacy officer approves; the reads past it raise an
unusual-access flag; an incident opened from the flag computes the people and data affected from the access
log; notes, a determination with reasons, a letter to each person through the outbox (mailed by the
letter-mailing vendor), the report and its public summary on the website; deadlines shown; the consumer
reporting agencies' step when over the policy's number; the annual security assessment recorded."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PAPER_FORM
from custodian.audit.models import AccessEvent
from custodian.customers.models import Customer
from custodian.customers.services import customers_enrol
from custodian.demo.generator import application
from custodian.incidents.models import AffectedPerson, Incident, SecurityAssessment
from custodian.incidents.services import (
    IncidentError,
    incident_agencies_notified,
    incident_deadlines,
    incident_determine,
    incident_notify,
    incident_open,
)
from custodian.outbox.models import OutboundMessage
from custodian.outbox.services import letters_mail
from custodian.policy.loader import _load_cached
from custodian.testing import letter_text
from custodian.vault.gate import reveal as gate_reveal
from custodian.vault.gate import staff_actor
from custodian.vault.models import ReadHold
from custodian.vault.services import NotAllowed, read_hold_decide

LIMIT = 20  # the policy file's [breach] held_reads_per_hour


@pytest.fixture
def town(db):
    """Thirty households."""
    today = timezone.localdate()
    return customers_enrol(applications=[application(11, i, today) for i in range(30)], submission=PAPER_FORM)


def reveal(client, customer_id):
    return client.post(
        f"/staff/customers/{customer_id}/",
        {"purpose": "providing_services", "fields": ["name", "service_address"]},
    )


def test_bulk_reads_without_a_request_are_held_until_the_privacy_officer_approves(
    town, service_rep, privacy_officer, console
):
    rep = console(service_rep)
    for customer in town[:LIMIT]:
        assert "— not on file —" not in reveal(rep, customer.pk).content.decode()
    held = reveal(rep, town[LIMIT].pk).content.decode()
    assert "held for the privacy officer" in held
    hold = ReadHold.objects.get()
    assert hold.status == "pending" and hold.customers_in_hour == LIMIT and hold.threshold == LIMIT
    # The read did not happen: the log has a refusal that names the hold, no allowed read of that customer.
    events = AccessEvent.objects.filter(customer_id=str(town[LIMIT].pk), actor_id=str(service_rep.pk))
    assert [e.decision for e in events] == ["deny"] and f"hold {hold.pk}" in events[0].reason
    # Reading a customer already read this hour is no new reach and is not held.
    assert "held for" not in reveal(rep, town[0].pk).content.decode()

    # The privacy officer approves, on the record; the read then happens.
    officer = console(privacy_officer)
    officer.post(f"/staff/privacy/holds/{hold.pk}/decide/", {"approve": "yes", "note": "Mailing list check"})
    hold.refresh_from_db()
    assert hold.status == "approved" and hold.decided_by == privacy_officer and hold.approved_until
    assert AccessEvent.objects.filter(
        action="hold_decision", actor_id=str(privacy_officer.pk), reason__contains=f"hold {hold.pk}"
    ).exists()
    page = reveal(rep, town[LIMIT].pk).content.decode()
    assert "held for" not in page
    assert AccessEvent.objects.filter(
        customer_id=str(town[LIMIT].pk), actor_id=str(service_rep.pk), decision="allow"
    ).exists()


def test_nobody_approves_their_own_hold(town, privacy_officer, console):

    hold = ReadHold.objects.create(
        user=privacy_officer, purpose="resolving_problems", customers_in_hour=LIMIT, threshold=LIMIT
    )
    with pytest.raises(NotAllowed):
        read_hold_decide(hold_id=hold.pk, decided_by=privacy_officer, approve=True, note="mine")


def test_a_breach_from_the_flag_to_the_letters(
    town,
    service_rep,
    privacy_officer,
    console,
    letter_vendor,  # noqa: F811
):
    rep = console(service_rep)
    for customer in town[:LIMIT]:
        reveal(rep, customer.pk)
    officer = console(privacy_officer)
    reveal(rep, town[LIMIT].pk)
    hold = ReadHold.objects.get()
    officer.post(
        f"/staff/privacy/holds/{hold.pk}/decide/", {"approve": "yes", "note": "Said it was a survey"}
    )
    for customer in town[LIMIT:26]:
        reveal(rep, customer.pk)

    # The flag, and an incident opened from it.
    home = officer.get("/staff/privacy/").content.decode()
    assert "read many customers one at a time without a request (26)" in home
    response = officer.post(
        "/staff/privacy/incidents/from-flag/",
        {
            "kind": "read many customers one at a time without a request",
            "actor_kind": "staff",
            "actor_id": str(service_rep.pk),
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.source == "flag"
    page = officer.get(f"/staff/privacy/incidents/{incident.pk}/").content.decode()
    assert 'data-affected="26"' in page
    assert AffectedPerson.objects.filter(incident=incident).count() == 26
    person = AffectedPerson.objects.get(incident=incident, customer=town[0])
    assert person.category_list == ["name", "service_address"]
    assert re.search(r"Determination: <span>due [A-Z][a-z]+ \d{1,2}, \d{4}", page)

    officer.post(f"/staff/privacy/incidents/{incident.pk}/note/", {"text": "Rep says a neighbour asked."})
    officer.post(
        f"/staff/privacy/incidents/{incident.pk}/determine/",
        {
            "outcome": "breach",
            "reasons": "Read for a purpose outside the written procedures: no request, no task.",
        },
    )
    incident.refresh_from_db()
    assert incident.determination == "breach" and incident.determined_by == privacy_officer

    # Letters to each person, through the outbox, mailed by the letter-mailing vendor.
    officer.post(f"/staff/privacy/incidents/{incident.pk}/notify/")
    letters = OutboundMessage.objects.filter(regarding=f"incident:{incident.pk}")
    assert letters.count() == 26 and {m.channel for m in letters} == {"letter"}
    assert set(letters.values_list("to_customer_id", flat=True)) == {c.pk for c in town[:26]}
    letters_mail(vendor=letter_vendor[0], requested_by=privacy_officer)
    assert set(letters.values_list("status", flat=True)) == {"sent"}
    officer.post(f"/staff/privacy/incidents/{incident.pk}/notify/")  # nobody is written to twice
    assert letters.count() == 26

    # Fewer than the policy's number of people: no consumer reporting agencies' step.
    with pytest.raises(IncidentError, match="over 1,000 people"):
        incident_agencies_notified(incident=incident, recorded_by=privacy_officer, note="x" * 30)

    # The report, after the disciplinary action is final, and its public summary on the website.
    officer.post(
        f"/staff/privacy/incidents/{incident.pk}/report/",
        {
            "facts": "A customer service representative read 26 customers' names and addresses for no task.",
            "disciplinary_disposition": "written reprimand",
            "disciplinary_final_on": timezone.localdate().isoformat(),
            "responsible_employees": "C. Service",
        },
    )
    incident.refresh_from_db()
    assert incident.report_completed_at and incident.report_affected_count == 26
    assert "Name, Service address" in incident.report_data_description
    public = rep.get("/privacy/incidents/").content.decode()
    assert "People whose data was involved: 26" in public and "written reprimand" in public
    assert "C. Service" in public
    steps = {d.step: d for d in incident_deadlines(incident)}
    assert steps["Written notice to the people affected"].done is not None


def breach_by(reader, customers, *, privacy_officer, summary: str, reasons: str):
    """`reader` reads the names of `customers` for no task; the privacy officer opens an incident over the
    hour around it and determines it a breach."""
    for customer in customers:
        gate_reveal(
            actor=staff_actor(reader), customer_id=customer.pk, fields=["name"], purpose="providing_services"
        )
    now = timezone.now()
    incident = incident_open(
        opened_by=privacy_officer,
        summary=summary,
        actor_kind="staff",
        actor_id=str(reader.pk),
        window_start=now - timedelta(hours=1),
        window_end=now + timedelta(minutes=1),
    )
    incident_determine(incident=incident, determined_by=privacy_officer, is_breach=True, reasons=reasons)
    return incident


def neighbour_looked_up_letter(customer, *, reader, privacy_officer) -> str:
    """`reader` looked up `customer`'s name for no reason, a colleague reported it and the privacy officer
    notified the customer: the letter's text as the customer reads it."""
    incident = breach_by(
        reader,
        [customer],
        privacy_officer=privacy_officer,
        summary="Reported by a colleague",
        reasons="Looked up a neighbour's name.",
    )
    assert incident_notify(incident=incident, sent_by=privacy_officer) == 1
    return letter_text(OutboundMessage.objects.get(regarding=incident.ref))


def test_the_letter_says_what_the_law_asks(town, privacy_officer, service_rep):
    body = neighbour_looked_up_letter(town[0], reader=service_rep, privacy_officer=privacy_officer)
    assert "section 13.055" in body and "Which of your data: Name." in body
    assert "report on the facts and results" in body and "by mail or by e-mail" in body


def test_over_the_policys_number_the_agencies_step_is_required_and_tracked(
    town, privacy_officer, service_rep, settings, tmp_path
):
    # A policy file whose agencies' number is 5 (the law's is 1,000: the step is the same).
    policy = (
        (settings.BASE_DIR / "policy" / "owatonna.toml")
        .read_text()
        .replace("credit_agencies_over = 1000", "credit_agencies_over = 5")
    )
    (tmp_path / "owatonna-policy.txt").write_text(
        (settings.BASE_DIR / "policy" / "owatonna-policy.txt").read_text()
    )
    (tmp_path / "owatonna.toml").write_text(policy)
    settings.CUSTODIAN_POLICY_FILE = tmp_path / "owatonna.toml"
    _load_cached.cache_clear()
    incident = breach_by(
        service_rep,
        town[:8],
        privacy_officer=privacy_officer,
        summary="Eight neighbours",
        reasons="No task at all for any of them.",
    )
    with pytest.raises(IncidentError, match="send them first"):
        incident_agencies_notified(
            incident=incident, recorded_by=privacy_officer, note="Equifax, Experian, TransUnion"
        )
    incident_notify(incident=incident, sent_by=privacy_officer)
    steps = {d.step: d for d in incident_deadlines(incident)}
    assert (
        steps["Consumer reporting agencies told"].done is None
        and steps["Consumer reporting agencies told"].due
    )
    incident_agencies_notified(
        incident=incident,
        recorded_by=privacy_officer,
        note="Equifax, Experian and TransUnion told of the 8 letters' timing, distribution and content.",
    )
    steps = {d.step: d for d in incident_deadlines(incident)}
    assert steps["Consumer reporting agencies told"].done is not None
    _load_cached.cache_clear()


def test_the_annual_security_assessment_is_recorded_and_its_next_due_date_shown(privacy_officer, console):
    officer = console(privacy_officer)
    assert "None recorded" in officer.get("/staff/privacy/incidents/").content.decode()
    officer.post(
        "/staff/privacy/incidents/assessment/",
        {
            "performed_on": timezone.localdate().isoformat(),
            "scope": "Every system holding customers' personal information",
            "findings": "Backups older than the retention period still hold wrapped data keys.",
            "actions": "Backups kept 35 days; IT, by next quarter.",
        },
    )
    assessment = SecurityAssessment.objects.get()
    assert assessment.performed_by == privacy_officer
    page = officer.get("/staff/privacy/incidents/").content.decode()
    assert (
        f"Next due {timezone.localdate().replace(year=timezone.localdate().year + 1)}" in page
        or "Next due" in page
    )


def test_the_letter_is_in_the_customer_s_language(town, privacy_officer, service_rep):
    Customer.objects.filter(pk=town[0].pk).update(language="es")
    text = neighbour_looked_up_letter(town[0], reader=service_rep, privacy_officer=privacy_officer)
    assert "sección 13.055" in text and "Qué datos suyos: Nombre." in text
    assert "Which of your data" not in text
