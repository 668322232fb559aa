"""The privacy officer's incident desk (Minn. Stat. § 13.055): incidents from unusual-access flags or by hand,
each step with its deadline; held bulk reads to approve or refuse; the annual security assessment."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.console.access import console_actor, looked_up, not_found, privacy_officer_only
from custodian.console.forms import FlagReviewForm
from custodian.console.steps import Onward, back_to, page_again, step, step_form, steps_on
from custodian.incidents import services
from custodian.incidents.choices import IncidentDetermination
from custodian.incidents.flag_reviews import flag_review
from custodian.incidents.selectors import incident_for, incident_list, incident_record, unusual_access
from custodian.netaddr import client_ip
from custodian.routing import page
from custodian.staff.selectors import staff_users
from custodian.vault.selectors import read_holds
from custodian.vault.services import NotAllowed, read_hold_decide
from custodian.web.forms import errors_in_words
from custodian.web.once import OnceForm

# Each page of the privacy office refused to others with words saying what it does.
_incident_desk = privacy_officer_only(_("Only the privacy officer handles security incidents."))


class OpenForm(OnceForm):
    records = "incidents.Incident"
    summary = forms.CharField(max_length=300, label="What was seen")
    staff_username = forms.CharField(max_length=150, label="Whose access (staff user name)")
    window_start = forms.DateTimeField(
        label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    window_end = forms.DateTimeField(
        label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    only_without_request = forms.BooleanField(
        required=False, initial=True, label="Only reads without a request"
    )


class NoteForm(OnceForm):
    records = "incidents.IncidentNote"
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Investigation note")


class DetermineForm(forms.Form):
    outcome = forms.ChoiceField(choices=IncidentDetermination.choices, label="Determination")
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Reasons")


class DelayForm(forms.Form):
    until = bounds.DateField(label="Delay notice until")
    reason = forms.CharField(max_length=300, label="Law enforcement agency and its request")


class AgenciesForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Agencies told, when, and what")


class ReportForm(forms.Form):
    facts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Facts and results of the investigation"
    )
    disciplinary_disposition = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Final disposition of disciplinary action",
    )
    disciplinary_final_on = bounds.DateField(required=False, label="Final on")
    responsible_employees = forms.CharField(
        required=False, max_length=300, label="Employees determined responsible (once final)"
    )


class AssessmentForm(OnceForm):
    performed_on = bounds.DateField(label="Performed on")
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class HoldDecisionForm(forms.Form):
    approve = forms.ChoiceField(choices=[("yes", "Approve"), ("no", "Refuse")])
    note = forms.CharField(max_length=300, label="Why")


@page("privacy/incidents/", name="incidents")
@_incident_desk
def incidents(request):
    last, due = services.security_assessment_due()
    actor = console_actor(request)
    rows = [(i, services.incident_deadlines(i)) for i in incident_list(fetched_by=actor)]
    return render(
        request,
        "console/incidents.html",
        {
            "rows": rows,
            "open_form": step_form(request, OpenForm, "console:incident_open"),
            "assessment_form": step_form(
                request,
                AssessmentForm,
                "console:assessment_add",
                initial={"performed_on": timezone.localdate()},
            ),
            "last_assessment": last,
            "assessment_due": due,
            "assessment_overdue": due < timezone.localdate(),
            # Each held read with its own form: the one sent comes back with what was typed.
            "holds": [
                (
                    h,
                    step_form(
                        request, HoldDecisionForm, "console:hold_decide", h.pk, auto_id=f"hold-{h.pk}-%s"
                    ),
                )
                for h in read_holds(fetched_by=actor)
            ],
        },
    )


def _back(request, ok: bool, text: str, incident=None):
    if incident is not None:
        return back_to(request, ok, text, "console:incident", incident_id=incident.pk)
    return back_to(request, ok, text, "console:incidents")


# A step of the incidents page; the incident service's refusal is shown in its own words.
_incidents_step = steps_on("console:incidents", rule=_incident_desk, refused=services.IncidentError)


@page("privacy/incidents/open/", name="incident_open")
@_incidents_step(OpenForm, failed="Incident not opened")
def incident_open_view(request, d):
    staff = staff_users().filter(username=d["staff_username"]).first()
    if staff is None:
        raise services.IncidentError(f"No staff member {d['staff_username']!r}.")
    incident = services.incident_open(
        opened_by=request.user,
        summary=d["summary"],
        actor_kind="staff",
        actor_id=str(staff.pk),
        actor_label=staff.get_username(),
        window_start=d["window_start"],
        window_end=d["window_end"],
        only_without_request=d["only_without_request"],
    )
    return Onward(
        f"Incident {incident.pk} opened: {incident.affected.count()} people affected.",
        "console:incident",
        {"incident_id": incident.pk},
    )


def _incidents_again(request, form, message: str):
    return page_again(request, message, form, "console:incidents")


@page("privacy/incidents/from-flag/", name="incident_from_flag")
@_incident_desk
@require_POST
def incident_from_flag(request):
    """Open an incident from a flag shown on the privacy officer's page (the flag is looked up again, not
    taken from the form)."""
    flag = _shown_flag(request)
    if flag is None:
        messages.error(request, "That flag is no longer shown (the last 24 hours have moved on).")
        return redirect("console:privacy")
    incident = services.incident_open_from_flag(opened_by=request.user, flag=flag)
    return _back(request, True, f"Incident {incident.pk} opened from the flag.", incident)


def _shown_flag(request):
    """The flag the form names, looked up again among those shown now (never taken from the form)."""
    kind, actor_kind, actor_id = (request.POST.get(k, "") for k in ("kind", "actor_kind", "actor_id"))
    return next(
        (
            f
            for f in unusual_access(fetched_by=console_actor(request))
            if (f.kind, f.actor_kind, f.actor_id) == (kind, actor_kind, actor_id)
        ),
        None,
    )


@page("privacy/flags/review/", name="flag_review")
@privacy_officer_only(_("Only the privacy officer reviews unusual access."))
@require_POST
def flag_review_view(request):
    """Mark an unusual-access flag reviewed, with what the review found."""
    flag = _shown_flag(request)
    if flag is None:
        messages.error(request, "That flag is no longer shown (the last 24 hours have moved on).")
        return redirect("console:privacy")

    form = FlagReviewForm(request.POST)

    def review():
        flag_review(flag=flag, by=request.user, note=form.cleaned_data["note"])
        return f"Flag on {flag.actor_label} marked reviewed; the review is in the access log."

    return step(request, review, form=form, refused=services.IncidentError, to="console:privacy")


# The forms of an incident's page, each by its step's URL name.
_INCIDENT_FORMS = {
    "note_form": (NoteForm, "console:incident_note"),
    "determine_form": (DetermineForm, "console:incident_determine"),
    "delay_form": (DelayForm, "console:incident_delay"),
    "agencies_form": (AgenciesForm, "console:incident_agencies"),
    "report_form": (ReportForm, "console:incident_report"),
}


@page("privacy/incidents/<id:incident_id>/", name="incident")
@_incident_desk
def incident_detail(request, incident_id):
    actor = console_actor(request)
    incident = incident_for(fetched_by=actor, incident_id=incident_id)
    if incident is None:
        return not_found(request)
    return render(
        request,
        "console/incident.html",
        {
            "incident": incident,
            **incident_record(fetched_by=actor, incident=incident),
            "deadlines": services.incident_deadlines(incident),
            "agencies_required": services.agencies_required(incident),
            "agencies_over": services.breach_settings()["credit_agencies_over"],
            **{
                key: step_form(request, form_class, step, incident.pk)
                for key, (form_class, step) in _INCIDENT_FORMS.items()
            },
        },
    )


# A step on an incident's page; the incident service's refusal is shown in its own words.
_incident_step = steps_on(
    "console:incident",
    rule=_incident_desk,
    found=looked_up(incident_for, "incident_id"),
    url_key="incident_id",
    refused=services.IncidentError,
)


@page("privacy/incidents/<id:incident_id>/note/", name="incident_note")
@_incident_step(NoteForm)
def incident_note(request, incident, d):
    services.incident_note_add(incident=incident, written_by=request.user, text=d["text"])
    return "Note added."


@page("privacy/incidents/<id:incident_id>/determine/", name="incident_determine")
@_incident_step(DetermineForm)
def incident_determine(request, incident, d):
    services.incident_determine(
        incident=incident,
        determined_by=request.user,
        is_breach=d["outcome"] == IncidentDetermination.BREACH,
        reasons=d["reasons"],
    )
    return "Determination recorded."


@page("privacy/incidents/<id:incident_id>/delay/", name="incident_delay")
@_incident_step(DelayForm)
def incident_delay(request, incident, d):
    services.incident_delay(incident=incident, recorded_by=request.user, until=d["until"], reason=d["reason"])
    return "Delay recorded."


@page("privacy/incidents/<id:incident_id>/notify/", name="incident_notify")
@_incident_step()
def incident_notify(request, incident, d):
    n = services.incident_notify(incident=incident, sent_by=request.user)
    written = ngettext("%(n)d letter written", "%(n)d letters written", n) % {"n": n}
    return f"{written}; they go out with the letter-mailing vendor's next export."


@page("privacy/incidents/<id:incident_id>/agencies/", name="incident_agencies")
@_incident_step(AgenciesForm)
def incident_agencies(request, incident, d):
    services.incident_agencies_notified(incident=incident, recorded_by=request.user, note=d["note"])
    return "The consumer reporting agencies' notice is recorded."


@page("privacy/incidents/<id:incident_id>/report/", name="incident_report")
@_incident_step(ReportForm)
def incident_report(request, incident, d):
    services.incident_report_complete(incident=incident, completed_by=request.user, **d)
    return "Report completed; its public summary is on the website."


@page("privacy/incidents/assessment/", name="assessment_add")
@_incidents_step(
    AssessmentForm,
    rule=privacy_officer_only(_("Only the privacy officer records the annual security assessment.")),
    failed="Assessment not recorded",
)
def assessment_add(request, d):
    services.security_assessment_record(performed_by=request.user, **d)
    return "Security assessment recorded."


@page("privacy/holds/<id:hold_id>/decide/", name="hold_decide")
@privacy_officer_only(_("Only the privacy officer decides held reads."))
@require_POST
def hold_decide(request, hold_id):
    form = HoldDecisionForm(request.POST)
    if not form.is_valid():
        return _incidents_again(request, form, f"Not decided: {errors_in_words(form)}")
    try:
        hold = read_hold_decide(
            hold_id=hold_id,
            decided_by=request.user,
            approve=form.cleaned_data["approve"] == "yes",
            note=form.cleaned_data["note"],
            client_ip=client_ip(request),
        )
    except ObjectDoesNotExist:  # no such hold
        return not_found(request)
    except (NotAllowed, ValueError) as exc:
        return _incidents_again(request, form, str(exc))
    return _back(request, True, f"Hold {hold.pk}: {hold.get_status_display().lower()}.")
