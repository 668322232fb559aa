"""A page's form sent to one service call, one shape for the console and the portal: the service's refusal
goes on the form, so the page is drawn again with it above the fields; success is a message and a redirect,
once for the form drawn (`web.once`: a copy sent again is told it is recorded already).
(The console's POST steps that go back to a page instead are `console.steps.step`.)"""

from django.contrib import messages

from custodian.web.once import once


def drawn_status(form) -> int:
    """The status of a page that draws `form`: 400 when it is drawn again with errors (the form's own, or a
    refusal put on it), as every form drawn again answers; 200 when drawn new, or sent and answered on the
    same page (a search's results)."""
    return 400 if form.is_bound and form.errors else 200


def form_acted(request, form, act, *, refused):
    """Run `act` (the service call; it returns the success message and the redirect to follow). A refusal
    (`refused`) is put on the form and None returned: the caller draws its page again with the form (400).
    A form already recorded is answered with where it went."""

    def answer():
        try:
            message, response = act()
        except refused as exc:
            form.add_error(None, str(exc))
            return None
        messages.success(request, message)
        return response

    return once(request, form, answer)
