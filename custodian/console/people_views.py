"""Staff administration for IT and the privacy officer: add a member of staff, change their support services
and which of them they lead, deactivate them (their sessions and API tokens end at once), reset their second
factor or password. Every change goes through custodian.staff.services, which records it in the access
log; a change that widens access to customer data or lets one person act as another is held for a second
administrator's approval (custodian.staff.approvals, decided on the approvals page: approval_views).
Customers' portal sign-ins are not staff and never appear here. API tokens have their own page
(custodian.api.console_views)."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from custodian.console import access
from custodian.console.access import console_page, looked_up
from custodian.console.steps import step_form, steps_on
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.staff import approvals
from custodian.staff import services as staff_services
from custodian.staff.choices import ChangeKind
from custodian.staff.selectors import staff_list, staff_member_for, staff_member_page
from custodian.web.once import OnceForm, once

_administrators_only = console_page(
    access.administers_staff, _("Only IT and the privacy officer administer staff accounts and API tokens.")
)


def service_choices():
    return [(k, s.label) for k, s in current_policy().services.items()]


class AddStaffForm(OnceForm):
    # A copy sent again (a double click on "Add") adds nobody: it is taken to the member the first added.
    records = "auth.User"
    records_page = "console:person"
    username = forms.CharField(label="User name", max_length=40)
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Work e-mail address (their set-up link goes there)", max_length=254)
    services = forms.MultipleChoiceField(label="Support services", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = service_choices()


class ServicesForm(OnceForm):
    records = "staff.StaffChange"
    services = forms.MultipleChoiceField(
        label="Support services", widget=forms.CheckboxSelectMultiple, required=False
    )
    leads = forms.MultipleChoiceField(
        label="Leads (gives the service's requests to colleagues)",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = self.fields["leads"].choices = service_choices()

    def clean(self):
        data = super().clean()
        not_in = set(data.get("leads", [])) - set(data.get("services", []))
        if not_in:
            labels = dict(service_choices())
            self.add_error(
                "leads",
                f"A member leads only a service they are in: {', '.join(sorted(labels[s] for s in not_in))}.",
            )
        return data


@page("people/", name="people")
@_administrators_only
@require_http_methods(["GET", "POST"])
def people(request):
    """Every member of staff, and the form that adds one (they choose their password from a set-up link)."""
    form = AddStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def invite():
            try:
                user, held = approvals.staff_member_invite(changed_by=request.user, **form.cleaned_data)
            except (staff_services.StaffAdminError, staff_services.UnknownService) as exc:
                form.add_error(None, str(exc))
                return None
            return _people_page(request, AddStaffForm(), created={"user": user, "held": held})

        done = once(request, form, invite)
        if done is not None:
            return done
    # Drawn again with the form's errors or the service's refusal: 400, as every form drawn again.
    return _people_page(request, form, status=400 if request.method == "POST" else 200)


def _people_page(request, form, *, created=None, status=200):
    return render(
        request,
        "console/people.html",
        {"rows": staff_list(fetched_by=access.console_actor(request)), "form": form, "created": created},
        status=status,
    )


@page("people/<id:user_id>/", name="person")
@_administrators_only
@looked_up(staff_member_for, "user_id")
def person(request, member):
    held = staff_member_page(fetched_by=access.console_actor(request), member=member)
    return render(
        request,
        "console/person.html",
        {
            "member": member,
            "services_form": step_form(
                request,
                ServicesForm,
                "console:person_services",
                member.pk,
                initial={"services": held["services"], "leads": held["leads"]},
            ),
            "second_factor": held["second_factor"],
            "waiting": held["waiting"],
            "is_self": member.pk == request.user.pk,
        },
    )


# A step on a member of staff's page; the staff service's refusal is shown in its own words.
_person_step = steps_on(
    "console:person",
    rule=_administrators_only,
    found=looked_up(staff_member_for, "user_id"),
    url_key="user_id",
    refused=(staff_services.UnknownService, staff_services.StaffAdminError),
)


@page("people/<id:user_id>/services/", name="person_services")
@_person_step(ServicesForm, failed="Services not changed")
def person_services(request, member, d):
    held = approvals.staff_membership_change(
        user=member, services=d["services"], leads=d["leads"], changed_by=request.user
    )
    if held is not None:
        return _held(held)
    return f"{member.get_username()}'s support services changed."


def _held(change) -> str:
    return (
        f"Change {change.pk} asked: {change.get_kind_display()} for {change.subject.get_username()}. It "
        "waits for another administrator's approval; they and the privacy officer are told."
    )


@page("people/<id:user_id>/deactivate/", name="person_deactivate")
@_person_step()
def person_deactivate(request, member, d):
    done = staff_services.staff_member_deactivate(user=member, changed_by=request.user)
    return (
        f"{member.get_username()} deactivated: {done.sessions_ended} sessions ended, "
        f"{done.tokens_revoked} API tokens revoked."
    )


@page("people/<id:user_id>/reactivate/", name="person_reactivate")
@_person_step()
def person_reactivate(request, member, d):
    change = approvals.staff_member_reactivation_ask(user=member, asked_by=request.user)
    if change is not None:
        return _held(change)
    return f"{member.get_username()} can sign in again."


# A reset lets whoever holds the new credential act as the member: asked here, made once approved.
@page("people/<id:user_id>/second-factor/", name="person_second_factor")
@_person_step()
def person_second_factor(request, member, d):
    return _held(
        approvals.staff_change_ask(kind=ChangeKind.SECOND_FACTOR, subject=member, asked_by=request.user)
    )


@page("people/<id:user_id>/password/", name="person_password")
@_person_step()
def person_password(request, member, d):
    return _held(approvals.staff_change_ask(kind=ChangeKind.PASSWORD, subject=member, asked_by=request.user))
