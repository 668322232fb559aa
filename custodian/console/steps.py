"""A console page's POST step, one shape for every desk: the form checked, one service call, and back to the
page with what happened (a success message, the form's errors, or the service's refusal in its own words)."""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect

from custodian.casework.services import RequestError


def back_to(request, ok: bool, message: str, url_name: str, **url_kwargs):
    """Back to the page named `url_name`, the message shown as a success or as an error."""
    (messages.success if ok else messages.error)(request, message)
    return redirect(url_name, **url_kwargs)


def step(
    request,
    act: Callable[[], str],
    *,
    to: str,
    form=None,
    failed: str = "",
    invalid: str = "",
    refused: type[Exception] | tuple[type[Exception], ...] = (),
    refusal: Callable[[Exception], str] = str,
    done: str = "",
    **url_kwargs,
):
    """Check `form`, run `act` (one service call, returning what it did) and go back to the page `to`, or on
    success to the page `done` (one that takes no URL arguments) when the step has finished with `to`.

    A form that does not validate is answered with `invalid` if given, else with its errors (after `failed`
    if given); an exception in `refused` is the service saying no, shown as `refusal` words it."""
    if form is not None and not form.is_valid():
        errors = invalid or form.errors.as_text()
        return back_to(request, False, f"{failed}: {errors}" if failed else errors, to, **url_kwargs)
    try:
        message = act()
    except refused as exc:
        return back_to(request, False, refusal(exc), to, **url_kwargs)
    if done:
        return back_to(request, True, message, done)
    return back_to(request, True, message, to, **url_kwargs)


def on_request_page(request, req, act: Callable[[], str], *, form=None, invalid: str = "", done: str = ""):
    """A step taken on a request's page: a refusal of the request service or an incomplete form back to that
    page, success back to it too, or to the page `done` when the step has finished with the request."""
    return step(
        request,
        act,
        form=form,
        invalid=invalid,
        refused=RequestError,
        to="console:request",
        done=done,
        request_id=req.pk,
    )
