"""Who may open which console page and which record: the console's one access module.

A page's rule is kept on the view itself (`console_page`). The view refuses with it (403, saying who may) and
the console's navigation asks the same rule, so a member of staff sees a link only to the pages their support
services can use. A page without a rule is open to every signed-in member of staff. A record is looked up
for the signed-in member of staff (`looked_up`, `request_for_staff`): one that is not theirs is answered like
one that does not exist (`not_found`, 404)."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, resolve, reverse

from custodian.casework.representatives import REGISTERING_SERVICES
from custodian.casework.selectors import request_visible_to
from custodian.disclosures.services.accounting import SECOND_APPROVER_SERVICES
from custodian.policy.loader import current_policy
from custodian.staff.decorators import console_required
from custodian.staff.selectors import administers_staff as administers
from custodian.staff.selectors import reviews_access
from custodian.usage.reports import may_run_reports
from custodian.vault import gate
from custodian.vault.gate import Actor

Rule = Callable[[Actor], bool]


def acts_for(purpose: str) -> Rule:
    """Staff of a support service that acts for this purpose."""

    def rule(actor: Actor) -> bool:
        return current_policy().acts_for(actor.services, purpose)

    rule.__name__ = f"acts_for_{purpose}"
    return rule


def reads_customers(actor: Actor) -> bool:
    """Staff of a support service with at least one purpose that reads personal data."""
    policy = current_policy()
    return any(
        policy.purposes[p].categories
        for s in actor.services
        if s in policy.services
        for p in policy.services[s].purposes
    )


PREMISE_CATEGORY = "service_address"


def sees_premises(actor: Actor) -> bool:
    """Staff of a support service with a purpose that reads the customer's service address: the facts of
    the home there (its type, size, heating fuel, ZIP code and services) are about it, so the services that
    may not read the address (marketing) are not shown them either."""
    policy = current_policy()
    return any(
        PREMISE_CATEGORY in policy.purposes[p].categories
        for s in actor.services
        if s in policy.services
        for p in policy.services[s].purposes
    )


# Staff download a customer's Green Button file for this purpose; its bill summaries (ESPI UsageSummary) only
# when the policy lets the purpose read the bills (docs/decisions.md: "The staff Green Button download").
GREEN_BUTTON_PURPOSE = "providing_services"


def green_button_summaries_allowed(policy) -> bool:
    return "bills" in policy.purposes[GREEN_BUTTON_PURPOSE].categories


def downloads_green_button(actor: Actor) -> bool:
    """Staff the gate lets read a customer's Green Button file: the policy's answer for its purpose and what
    it carries (the meter usage, and the bills when their summaries go with it), asked without reading. The
    download's read asks the gate itself (which logs a refusal); the customer's page links to it only for
    these staff."""
    policy = current_policy()
    carried = ["meter_usage", *(["bills"] if green_button_summaries_allowed(policy) else [])]
    return gate.policy_decision(policy, actor, GREEN_BUTTON_PURPOSE, carried).allowed


def registers_representatives(actor: Actor) -> bool:
    """Customer service and the privacy officer: who see a customer's authorised representatives, register,
    verify and revoke them (custodian.casework.representatives)."""
    return bool(REGISTERING_SERVICES & actor.services)


def runs_the_systems(actor: Actor) -> bool:
    """Staff of the IT and database administration service (the policy file's `it_database`)."""
    return "it_database" in actor.services


def is_privacy_officer(actor: Actor) -> bool:
    return reviews_access(actor.services)


def approves_determinations(actor: Actor) -> bool:
    """The privacy office and legal: the second person a vendor determination waits for."""
    return bool(SECOND_APPROVER_SERVICES & actor.services)


def administers_staff(actor: Actor) -> bool:
    """IT and the privacy officer: the support services the policy file marks `administers_staff`."""

    return administers(actor.services)


def runs_reports(actor: Actor) -> bool:
    """The rule of custodian.usage.reports: who may start a comparison report run."""

    return may_run_reports(actor.user)


def console_page(rule: Rule, refusal: str):
    """A console view for staff for whom `rule` holds; others get the console's 403 page with `refusal`: what
    this page does and who does it, in the reader's language (a `gettext_lazy` string, kept on the view as
    `console_refusal` for the tests that read every page's)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rule(console_actor(request)):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        guarded = console_required(wrapper)
        guarded.console_rule, guarded.console_refusal = rule, refusal
        return guarded

    return decorate


def console_actor(request) -> Actor:
    """The signed-in member of staff as the gate sees them, loaded once per request."""
    actor = getattr(request, "_console_actor", None)
    if actor is None:
        actor = request._console_actor = gate.staff_actor(request.user)
    return actor


def may_open(request, url_name: str, *args) -> bool:
    """Whether the view behind `url_name` lets this member of staff in: the view's own rule."""
    try:
        view = resolve(reverse(url_name, args=args)).func
    except NoReverseMatch:
        return False
    rule = getattr(view, "console_rule", None)
    return rule is None or rule(console_actor(request))


DENIED = gate.NOT_FOUND_OR_DENIED


def privacy_officer_only(refusal: str):
    """A privacy-office page: the privacy officer's alone, refused to others with words naming what the page
    does ("Only the privacy officer records disclosures.")."""
    return console_page(is_privacy_officer, refusal)


def not_found(request):
    """The console's answer for a record that does not exist and for one that is not this member's."""
    return render(request, "console/not_found.html", {"message": DENIED}, status=404)


def looked_up(selector, key: str):
    """A view of one record: the record `selector(fetched_by=<the signed-in member of staff>, <key>=…)` finds
    for the URL's `key` is passed to the view in its place; a record that does not exist, or is not this
    member's to see, is answered `not_found` before the view runs (healthchecks' `_get_check_for_user`)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            record = selector(fetched_by=console_actor(request), **{key: kwargs.pop(key)})
            if record is None:
                return not_found(request)
            return view(request, record, *args, **kwargs)

        return wrapper

    return decorate


def request_for_staff(request, request_id):
    """The customer request, if this member of staff may work on it (their service owns it, or they review
    access); else None, and the view answers `not_found`."""
    return request_visible_to(fetched_by=console_actor(request), request_id=request_id)


def request_owned(request, request_id, *, kind: str | None = None):
    """The customer request, if this member of staff's service owns it (and it is of `kind`, when given): who
    may act on a request, not only see it. Else None, and the view answers `not_found`."""
    req = request_for_staff(request, request_id)
    if req is None or req.owning_service not in console_actor(request).services:
        return None
    if kind is not None and req.kind != kind:
        return None
    return req


def owned_request(kind: str | None = None):
    """A view that acts on a request: the request this member of staff's service owns (`request_owned`) is
    passed to the view for the URL's `request_id`; any other is answered `not_found` before the view runs."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, request_id, *args, **kwargs):
            req = request_owned(request, request_id, kind=kind)
            if req is None:
                return not_found(request)
            return view(request, req, *args, **kwargs)

        return wrapper

    return decorate
