"""A console page's POST step, one shape for every desk: the form checked, one service call, and back to the
page with what happened (a success message, the form's errors, or the service's refusal in its own words).

Success redirects to the page (a reload does not post again). A form that does not validate, or that the
service refuses, is answered with the page itself drawn again (400) by its own view, as the same member of
staff, with the form as they sent it: what they typed in its fields, each field's error beside it. What they
typed is handed to the page within this request and kept nowhere else: it may be personal data, which is
stored only sealed."""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import get_script_prefix, resolve, reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from custodian.bounds import takes_a_file
from custodian.casework.services import RequestError
from custodian.console.access import not_found, owned_request
from custodian.staff.decorators import console_required
from custodian.web.forms import errors_in_words
from custodian.web.once import once

# The exceptions that are a service saying no to a step.
Refusals = type[Exception] | tuple[type[Exception], ...]


# Beside a file field of a form drawn again: a browser never fills in a file input, so nothing chosen is sent.
CHOOSE_AGAIN = "Choose the file again: a page drawn again can't keep the file you chose."


@dataclass(frozen=True)
class Onward:
    """What a step did, and the page to go on to when that is not the step's own (the page of the record the
    step made): a step's `act` returns one in place of its message."""

    message: str
    url_name: str
    url_kwargs: dict


def back_to(request, ok: bool, message: str, url_name: str, **url_kwargs):
    """Back to the page named `url_name`, the message shown as a success or as an error."""
    (messages.success if ok else messages.error)(request, message)
    return redirect(url_name, **url_kwargs)


@dataclass(frozen=True)
class _Sent:
    """The form a member of staff sent to the step at `path`, handed to the page drawn again."""

    form: forms.BaseForm
    path: str


_SENT = "_console_form_sent"


def page_again(request, message: str, form, url_name: str, **url_kwargs):
    """The page named `url_name` drawn again by its own view (400), with `message` shown as an error and
    `form` (bound to what was sent) in place of the page's new one (`step_form`), a file field saying to
    choose the file again. The page's view runs on a GET-shaped copy of this request: its own rule and
    look-ups apply to the same member of staff, and it reads nothing of what was posted but `form`."""
    messages.error(request, message)
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            form.add_error(name, CHOOSE_AGAIN)
    path = reverse(url_name, kwargs=url_kwargs)
    path_info = "/" + path.removeprefix(get_script_prefix())
    match = resolve(path_info)
    page = copy.copy(request)
    page.method = "GET"
    page.GET, page.POST, page._files = QueryDict(), QueryDict(), MultiValueDict()
    page.path, page.path_info, page.resolver_match = path, path_info, match
    setattr(page, _SENT, _Sent(form=form, path=request.path))
    response = match.func(page, *match.args, **match.kwargs)
    if response.status_code == 200:
        response.status_code = 400
    return response


def step_form(request, form_class, step: str | tuple[str, ...], *step_args, **form_kwargs):
    """The form of the step `step` (a URL name, with its arguments; or the names of the steps one form's
    buttons send it to) as a page shows it: the one the member of staff sent, when the step drew this page
    again (`page_again`), else a new `form_class(**form_kwargs)`. An `auto_id` in `form_kwargs` (a page with
    one such form per record) applies to either."""
    sent = getattr(request, _SENT, None)
    steps = (step,) if isinstance(step, str) else step
    if (
        sent is not None
        and type(sent.form) is form_class
        and sent.path in {reverse(name, args=step_args) for name in steps}
    ):
        if "auto_id" in form_kwargs:
            sent.form.auto_id = form_kwargs["auto_id"]
        return sent.form
    return form_class(**form_kwargs)


def step(
    request,
    act: Callable[[], str | Onward],
    *,
    to: str,
    form=None,
    failed: str = "",
    invalid: str = "",
    refused: Refusals = (),
    refusal: Callable[[Exception], str] = str,
    done: str = "",
    **url_kwargs,
):
    """Check `form`, run `act` (one service call, returning what it did) and go back to the page `to`, or on
    success to the page `done` (one that takes no URL arguments) when the step has finished with `to`, or to
    the page an `Onward` that `act` returns names.

    A form that does not validate is answered with `invalid` if given, else with its errors (after `failed`
    if given); an exception in `refused` is the service saying no, shown as `refusal` words it. Either is
    shown on the page `to` drawn again with the form as sent (`page_again`); a refused step without a form
    goes back to the page. A form that records something (`web.once.OnceForm`) records it once: a copy
    sent again is answered with where the first went."""
    if form is not None and not form.is_valid():
        errors = invalid or errors_in_words(form)
        return page_again(request, f"{failed}: {errors}" if failed else errors, form, to, **url_kwargs)

    def answer():
        try:
            message = act()
        except refused as exc:
            if form is not None:
                return page_again(request, refusal(exc), form, to, **url_kwargs)
            return back_to(request, False, refusal(exc), to, **url_kwargs)
        if isinstance(message, Onward):
            return back_to(request, True, message.message, message.url_name, **message.url_kwargs)
        if done:
            return back_to(request, True, message, done)
        return back_to(request, True, message, to, **url_kwargs)

    return answer() if form is None else once(request, form, answer)


def on_request_page(request, req, act: Callable[[], str], **answers):
    """A step taken on a request's page: a refusal of the request service or an incomplete form back to that
    page, success back to it too, or to the page `done` when the step has finished with the request (`step`'s
    `form`, `invalid` and `done` in `answers`)."""
    return step(request, act, to="console:request", refused=RequestError, request_id=req.pk, **answers)


def steps_on(page: str, *, rule, found=None, url_key: str = "", key_of: str = "pk", refused: Refusals = ()):
    """The decorator of the POST steps taken on page `page`. A step is written as the one service call it
    makes, `act(request, [record,] cleaned_data)` returning what it did; the view runs under the page's
    `rule`, POST only, and `step` checks the form and answers back on the page, with the page's `refused`
    unless the step names its own.

    A step on a record gets the record `found` passes it (a decorator like `access.looked_up`: another is not
    found), the page's or the step's own; when the page is the record's, its URL argument `url_key` is the
    record's `key_of` (its own key, or the key of the record it belongs to, as a representative's customer's).

    A step that does something else than the page's other steps names its own `rule` (the same test, refused
    with words saying what the step does).

    Each step names its form (`form_class`, built with `form_kwargs(record)` when given), `only_if(record)`
    when the record is not found unless it holds, and `step`'s answers: `invalid` or `failed` for a form that
    does not validate, `refused` and `refusal` for the service's own refusals, `done` for the page to go to
    when the step has finished with the record."""

    def step_of(form_class=None, *, found=found, form_kwargs=None, only_if=None, rule=rule, **answers):
        answers = {"refused": refused, **answers}

        def decorate(act):
            @wraps(act)
            def view(request, *record):  # the record found, or none on a step of the page's own
                if only_if is not None and not only_if(*record):
                    return not_found(request)
                form = None
                if form_class is not None:
                    made_for = form_kwargs(*record) if form_kwargs else {}
                    form = form_class(request.POST, request.FILES, **made_for)

                def acted():
                    return act(request, *record, form.cleaned_data if form is not None else {})

                back = {url_key: getattr(record[0], key_of)} if url_key else {}
                return step(request, acted, to=page, form=form, **answers, **back)

            view.step_form = form_class  # what the step takes, for the tests that walk every step
            if form_class is not None and any(
                isinstance(field, forms.FileField) for field in form_class.base_fields.values()
            ):
                takes_a_file(view)  # the only steps sent a file
            return rule(require_POST(found(view) if found is not None else view))

        return decorate

    return step_of


# A step on a request's page, on a request this member of staff's service owns; the request service's refusal
# is shown in its own words.
request_step = steps_on(
    "console:request",
    rule=console_required,
    found=owned_request(),
    url_key="request_id",
    refused=RequestError,
)
