"""Incidents, step by step (Minn. Stat. § 13.055). Each step is the privacy officer's (staff who review
access), checks what must come before it, and says plainly when it can't be done yet.

1. `incident_open` (by hand) or `incident_open_from_flag` (an unusual-access flag): whose access, which
   window.
   The people and data affected are computed from the access log at once (`incident_affected_compute`):
   every read that actor was allowed in the window (only those without a request, for a flag about reads
   without a request), by customer, with the categories read and when.
2. `incident_note_add`: investigation notes.
3. `incident_determine`: a breach of the security of the data, or not, with the reasons (subd. 1(a):
   good-faith access for the utility's purposes, not shown to anyone unauthorized, is not a breach; access
   for a purpose outside the written procedures is).
4. `incident_delay` (subd. 3): a law enforcement agency's request to delay the notice, with its end date.
5. `incident_notify` (subd. 2(a), 4(a)): a letter to each affected person through the outbox, in the most
   expedient time: what happened, which of their data, when, what we did, that a report will be prepared and
   how to get it (on the website, or by mail or e-mail on request).
6. `incident_agencies_notified` (subd. 5): over 1,000 people, the nationwide consumer reporting agencies are
   told of the timing, distribution and content of the notices.
7. `incident_report_complete` (subd. 2(b)): after the investigation and the final disposition of any
   disciplinary action, the report (facts and results, the data, how many people, the employees determined
   responsible, the final disposition) and its public summary, published on the website.

Deadlines: the policy file's `[breach]` days for the determination and for the notices; the agencies without
unreasonable delay after the notices; each one shown due, done or overdue (`incident_deadlines`).

One module (over 400 lines) on purpose: the steps above check each other's order, so they are kept in
the order the law sets them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from custodian.audit.actions import Action
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import SEARCHED_KINDS, acts_of
from custodian.customers.models import Customer
from custodian.incidents.models import AffectedPerson, Incident, IncidentNote, SecurityAssessment
from custodian.outbox.services import in_language_of, letter_send
from custodian.policy.loader import current_policy
from custodian.staff.selectors import reviews_access, services_of
from custodian.textlist import comma_items

READ_ACTIONS = (
    Action.REVEAL,
    Action.REVEAL_DOCUMENTS,
    Action.REVEAL_INTERVALS,
    Action.BULK_REVEAL,
    Action.BULK_REVEAL_INTERVALS,
)


class IncidentError(ValueError):
    """A step that can't be taken now; the message says why."""


def _officer(user) -> None:

    if user is None or not reviews_access(services_of(user)):
        raise IncidentError("only the privacy officer handles security incidents")


def breach_settings() -> dict:
    return current_policy().breach


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


@transaction.atomic
def incident_affected_compute(*, incident: Incident) -> int:
    """The people and data the access under investigation reached, from the access log. Recomputed until the
    notices go out; returns how many people."""

    if incident.notices_sent_at is not None:
        raise IncidentError("the notices went out: the people affected are fixed")
    events = (
        acts_of(AccessEvent.objects, actor_kind=incident.actor_kind, actor_id=incident.actor_id)
        .filter(
            decision="allow",
            action__in=READ_ACTIONS,
            at_us__gte=_us(incident.window_start),
            at_us__lt=_us(incident.window_end),
        )
        .exclude(customer_id="")
    )
    if incident.only_without_request:
        events = events.filter(request_id="")
    people: dict[int, dict] = defaultdict(lambda: {"cats": set(), "first": None, "last": None, "reads": 0})
    for customer_id, categories, at_us in events.values_list("customer_id", "categories", "at_us").iterator():
        try:
            cid = int(customer_id)
        except ValueError:
            continue
        row = people[cid]
        row["cats"].update(comma_items(categories))
        row["first"] = at_us if row["first"] is None else min(row["first"], at_us)
        row["last"] = at_us if row["last"] is None else max(row["last"], at_us)
        row["reads"] += 1
    AffectedPerson.objects.filter(incident=incident).delete()

    known = set(Customer.objects.filter(pk__in=list(people)).values_list("pk", flat=True))

    def when(us):
        return datetime.fromtimestamp(us / 1_000_000, tz=timezone.get_current_timezone())

    AffectedPerson.objects.bulk_create(
        [
            AffectedPerson(
                incident=incident,
                customer_id=cid,
                categories=",".join(sorted(row["cats"])),
                first_read_at=when(row["first"]),
                last_read_at=when(row["last"]),
                reads=row["reads"],
            )
            for cid, row in sorted(people.items())
            if cid in known
        ]
    )
    incident.affected_computed_at = timezone.now()
    incident.save(update_fields=["affected_computed_at"])
    return len(known)


@transaction.atomic
def incident_open(
    *,
    opened_by,
    summary: str,
    actor_kind: str,
    actor_id: str,
    actor_label: str = "",
    window_start: datetime,
    window_end: datetime,
    only_without_request: bool = True,
    source: str = Incident.Source.MANUAL,
) -> Incident:
    _officer(opened_by)
    if not summary.strip():
        raise IncidentError("say what was seen")
    if window_end <= window_start:
        raise IncidentError("the window must end after it starts")
    if actor_kind not in SEARCHED_KINDS or not str(actor_id).strip():
        raise IncidentError("name whose access is under investigation")
    incident = Incident.objects.create(
        opened_at=timezone.now(),
        opened_by=opened_by,
        source=source,
        summary=summary.strip()[:300],
        actor_kind=actor_kind,
        actor_id=str(actor_id),
        actor_label=(actor_label or str(actor_id))[:150],
        window_start=window_start,
        window_end=window_end,
        only_without_request=only_without_request,
    )
    incident_affected_compute(incident=incident)
    return incident


def incident_open_from_flag(*, opened_by, flag, hours: int = 24) -> Incident:
    """Open an incident from an unusual-access flag (custodian.incidents.selectors.Flag): that actor's reads
    in the flag's window; for a flag about reads without a request, only those."""
    now = timezone.now()
    return incident_open(
        opened_by=opened_by,
        summary=f"Unusual access: {flag.actor_label} {flag.kind} ({flag.count} in {hours} hours)",
        actor_kind=getattr(flag, "actor_kind", "staff"),
        actor_id=flag.actor_id,
        actor_label=flag.actor_label,
        window_start=now - timedelta(hours=hours),
        window_end=now + timedelta(seconds=1),
        only_without_request="without a request" in flag.kind,
        source=Incident.Source.FLAG,
    )


@transaction.atomic
def incident_note_add(*, incident: Incident, written_by, text: str) -> IncidentNote:
    _officer(written_by)
    if not text.strip():
        raise IncidentError("a note needs its text")
    return _noted(incident, written_by, text.strip())


def _noted(incident: Incident, by, text: str, at=None) -> IncidentNote:
    """A line in the incident's notes: each step writes what it did there, with who and when."""
    return IncidentNote.objects.create(
        incident=incident, written_at=at or timezone.now(), written_by=by, text=text
    )


@transaction.atomic
def incident_determine(*, incident: Incident, determined_by, is_breach: bool, reasons: str) -> Incident:
    _officer(determined_by)
    if incident.determination:
        raise IncidentError("this incident was already determined")
    if len(reasons.strip()) < 20:
        raise IncidentError("give the reasons for the determination")
    incident.determination = Incident.Determination.BREACH if is_breach else Incident.Determination.NOT_BREACH
    incident.determination_reasons = reasons.strip()
    incident.determined_at, incident.determined_by = timezone.now(), determined_by
    incident.save(update_fields=["determination", "determination_reasons", "determined_at", "determined_by"])
    _noted(
        incident,
        determined_by,
        f"Determined: {incident.get_determination_display()}. {incident.determination_reasons}",
        at=incident.determined_at,
    )
    return incident


@transaction.atomic
def incident_delay(*, incident: Incident, recorded_by, until: date, reason: str) -> Incident:
    _officer(recorded_by)
    if until <= timezone.localdate():
        raise IncidentError("a delay ends on a later day")
    if len(reason.strip()) < 10:
        raise IncidentError("name the law enforcement agency and what it asked")
    incident.delayed_until, incident.delay_reason = until, reason.strip()[:300]
    incident.save(update_fields=["delayed_until", "delay_reason"])
    _noted(
        incident,
        recorded_by,
        f"Notice delayed until {until.isoformat()} (§ 13.055 subd. 3): {incident.delay_reason}",
    )
    return incident


def _labels(categories, customer=None) -> list[str]:
    """The categories' labels, in the customer's language when given (their letter names them so)."""
    policy = current_policy()
    with in_language_of(customer):
        return [policy.categories[c].in_language().label for c in categories if c in policy.categories]


def _local_day(moment):
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def _day(moment) -> str:
    d = timezone.localdate(moment) if isinstance(moment, datetime) else moment
    return f"{d:%B} {d.day}, {d.year}"


def incident_notify(*, incident: Incident, sent_by) -> int:
    """Write to each affected person who has not been written to yet (a letter through the outbox). Returns
    how many letters were written."""

    _officer(sent_by)
    if incident.determination != Incident.Determination.BREACH:
        raise IncidentError("notices go out once the incident is determined to be a breach")
    if incident.delayed_until and incident.delayed_until >= timezone.localdate():
        raise IncidentError(
            f"notice is delayed until {incident.delayed_until.isoformat()} at a law enforcement agency's "
            "request"
        )
    policy = current_policy()
    written = 0
    pending = list(
        AffectedPerson.objects.filter(incident=incident, notice__isnull=True).select_related("customer")
    )
    for start in range(0, len(pending), 500):
        with transaction.atomic():
            for person in pending[start : start + 500]:
                letter = letter_send(
                    to_customer=person.customer,
                    template="breach_notice",
                    context={
                        "utility": policy.utility["name"],
                        "data": _labels(person.category_list, person.customer),
                        # dates: the template writes them in the customer's language
                        "first": _local_day(person.first_read_at),
                        "last": _local_day(person.last_read_at),
                        "incident": incident.pk,
                        "report_url": f"{policy.utility.get('website', '').rstrip('/')}/privacy/incidents/",
                        "contact": policy.utility["responsible_authority"]["contact"],
                        "phone": policy.utility["phone"],
                    },
                    sent_by=sent_by,
                    regarding=incident.ref,
                )
                person.notice = letter
                person.save(update_fields=["notice"])
                written += 1
    with transaction.atomic():
        incident.notices_sent_at = incident.notices_sent_at or timezone.now()
        incident.save(update_fields=["notices_sent_at"])
        _noted(incident, sent_by, f"Written notice to {written} people through the outbox (letters).")
    return written


def agencies_required(incident: Incident) -> bool:
    return incident.affected.count() > breach_settings()["credit_agencies_over"]


@transaction.atomic
def incident_agencies_notified(*, incident: Incident, recorded_by, note: str) -> Incident:
    _officer(recorded_by)
    if not agencies_required(incident):
        raise IncidentError(
            "the consumer reporting agencies are told when over "
            f"{breach_settings()['credit_agencies_over']:,} "
            "people are notified"
        )
    if incident.notices_sent_at is None:
        raise IncidentError(
            "the agencies are told of the notices' timing, distribution and content: send them first"
        )
    if len(note.strip()) < 20:
        raise IncidentError("say which agencies were told, when, and what")
    incident.agencies_notified_at, incident.agencies_note = timezone.now(), note.strip()
    incident.save(update_fields=["agencies_notified_at", "agencies_note"])
    return incident


def _public_summary(incident: Incident) -> str:
    count = incident.report_affected_count or 0
    parts = [
        f"On {_day(incident.opened_at)} {current_policy().utility['name']} opened an investigation: "
        f"{incident.report_facts}",
        f"Determination: {incident.get_determination_display().lower()}. {incident.determination_reasons}",
        f"People whose data was involved: {count:,}. Data involved: {incident.report_data_description}.",
    ]
    if incident.notices_sent_at:
        parts.append(f"Each of them was written to on {_day(incident.notices_sent_at)}.")
    if incident.disciplinary_disposition:
        named = (
            f" Employees determined responsible: {incident.responsible_employees}."
            if incident.responsible_employees
            else ""
        )
        parts.append(f"Final disposition of disciplinary action: {incident.disciplinary_disposition}.{named}")
    return "\n\n".join(parts)


@transaction.atomic
def incident_report_complete(
    *,
    incident: Incident,
    completed_by,
    facts: str,
    disciplinary_disposition: str = "",
    disciplinary_final_on: date | None = None,
    responsible_employees: str = "",
) -> Incident:
    """The report on the facts and results, once the investigation (and any disciplinary action) is final;
    its public summary is published on the website."""
    _officer(completed_by)
    if not incident.determination:
        raise IncidentError("the report follows the determination")
    if incident.determination == Incident.Determination.BREACH and incident.notices_sent_at is None:
        raise IncidentError("the people affected are told before the report is completed")
    if len(facts.strip()) < 20:
        raise IncidentError("describe the facts and results of the investigation")
    if responsible_employees.strip() and not (disciplinary_disposition.strip() and disciplinary_final_on):
        raise IncidentError("employees are named only once the disciplinary action is final")
    cats = sorted({c for p in incident.affected.all() for c in p.category_list})
    incident.report_facts = facts.strip()
    incident.report_data_description = ", ".join(_labels(cats)) or "none"
    incident.report_affected_count = incident.affected.count()
    incident.disciplinary_disposition = disciplinary_disposition.strip()
    incident.disciplinary_final_on = disciplinary_final_on
    incident.responsible_employees = responsible_employees.strip()[:300]
    incident.report_completed_at, incident.report_completed_by = timezone.now(), completed_by
    incident.public_summary = _public_summary(incident)
    incident.save()
    return incident


@dataclass(frozen=True)
class Deadline:
    step: str
    due: date | None
    done: datetime | None
    not_applicable: bool = False

    @property
    def overdue(self) -> bool:
        return self.done is None and self.due is not None and self.due < timezone.localdate()


def incident_deadlines(incident: Incident) -> list[Deadline]:
    cfg = breach_settings()
    opened = timezone.localdate(incident.opened_at)
    deadlines = [
        Deadline("Determination", opened + timedelta(days=cfg["determination_days"]), incident.determined_at)
    ]
    breach = incident.determination == Incident.Determination.BREACH
    if incident.determination and not breach:
        deadlines.append(Deadline("Written notice to the people affected", None, None, not_applicable=True))
    else:
        start = timezone.localdate(incident.determined_at) if incident.determined_at else None
        due = start + timedelta(days=cfg["notice_days"]) if start else None
        if due and incident.delayed_until and incident.delayed_until >= due:
            due = incident.delayed_until + timedelta(days=1)
        deadlines.append(Deadline("Written notice to the people affected", due, incident.notices_sent_at))
    if breach and agencies_required(incident):
        sent = timezone.localdate(incident.notices_sent_at) if incident.notices_sent_at else None
        deadlines.append(
            Deadline(
                "Consumer reporting agencies told",
                sent + timedelta(days=cfg["notice_days"]) if sent else None,
                incident.agencies_notified_at,
            )
        )
    deadlines.append(Deadline("Report on the facts and results", None, incident.report_completed_at))
    return deadlines


@transaction.atomic
def security_assessment_record(
    *, performed_by, performed_on: date, scope: str, findings: str, actions: str
) -> SecurityAssessment:
    _officer(performed_by)
    if performed_on > timezone.localdate():
        raise IncidentError("an assessment is recorded once it was done")
    for name, text in (("scope", scope), ("findings", findings), ("actions", actions)):
        if len(text.strip()) < 10:
            raise IncidentError(f"describe the assessment's {name}")
    return SecurityAssessment.objects.create(
        performed_on=performed_on,
        performed_by=performed_by,
        scope=scope.strip(),
        findings=findings.strip(),
        actions=actions.strip(),
    )


def security_assessment_due() -> tuple[SecurityAssessment | None, date]:
    """The last assessment and the day the next is due (at least once a year: § 13.055 subd. 6)."""
    last = SecurityAssessment.objects.order_by("-performed_on", "-pk").first()
    months = breach_settings()["security_assessment_months"]
    if last is None:
        return None, timezone.localdate()
    d = last.performed_on
    year, month = divmod(d.month - 1 + months, 12)
    try:
        due = d.replace(year=d.year + year, month=month + 1)
    except ValueError:
        due = d.replace(year=d.year + year, month=month + 1, day=28)
    return last, due
