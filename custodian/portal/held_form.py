"""What a customer typed is not lost when their sign-in ran out before they sent the form.

A form of My account sent without a live session (`access.portal_required`) is held: its own fields, never
a password, a code, a token, the form's protection against forgery, a bank or card number, a box that gives
consent or a file (`kept`),
sealed by `vault.held_text` under a key only this browser gets (the `HELD_FORM` cookie; the server keeps the
sealed text in the browser's session, named by the path of the page that shows the form). The sign-in is
asked with that page as its `next`. The session carries over the sign-in (it is given a new key, not
emptied), so once signed in, the page's form shows the held values (`TypedBefore`) with a note to check them
and send again, once: the held text and its key are dropped as it is shown.

Who may see it: whoever signs in next in the same browser, within `HELD_SECONDS`. An expired session no
longer says who was signed in, so the held text is bound to the browser and the page, not to a customer;
signing out, or a sign-in that leads elsewhere and the time running out, drops it. Another browser, or anyone
who holds the server's records but not the browser's key, reads nothing."""

import json
import re
import time
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext_lazy

from custodian.vault.held_text import text_open, text_seal
from custodian.web.cookies import HELD_FORM, HELD_FORM_MAX_AGE

SESSION_KEY = "portal_held_form"
HELD_SECONDS = HELD_FORM_MAX_AGE
MOST_CHARACTERS = 20_000  # a form's worth of typed text; anything larger is not held
# Never held, whatever the form: names that say a secret or a credential, or money's way in; nor the notice
# shown (the page shows the one in force again) or a box that gives consent or authority (given anew, never
# pre-ticked).
SECRET = re.compile(
    r"pass|code|token|csrf|secret|otp|pin|key|card|cvv|cvc|routing|bank|iban|signature"
    r"|notice_shown|agree|authori[sz]e|consent",
    re.IGNORECASE,
)
KEPT_NOTE = gettext_lazy("Your session ended; we kept what you typed. Check it and send again.")

# The held values of the page being drawn, for its forms (`TypedBefore`), during that one view.
_SHOWN: ContextVar[dict | None] = ContextVar("held_form_shown", default=None)


def kept(post) -> dict[str, list[str]]:
    """The fields of a sent form that may be held: its own typed values, never one whose name says it is a
    secret, a credential or money's way in."""
    held = {name: [v for v in post.getlist(name) if v] for name in post if not SECRET.search(name)}
    held = {name: values for name, values in held.items() if values}
    return held if sum(len(v) for values in held.values() for v in values) <= MOST_CHARACTERS else {}


def form_page(request, view) -> str:
    """The path of the page that shows the form sent: the page a form-only address sends a visitor to
    (`web.post_only`), else the address itself."""
    shown_on = getattr(view, "form_page", None)
    return reverse(shown_on) if shown_on else request.path


def form_hold(request, response, page: str) -> None:
    """Hold what the form sent (`kept`) for `page`, sealed, in this browser's session; its key in a cookie on
    `response` (the sign-in's redirect)."""
    values = kept(request.POST)
    if not values:
        return
    key, sealed = text_seal(json.dumps(values).encode())
    request.session[SESSION_KEY] = {"page": page, "sealed": sealed, "until": time.time() + HELD_SECONDS}
    response.set_cookie(
        HELD_FORM.name,
        key,
        max_age=HELD_SECONDS,
        path="/portal/",
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )


def held_for(request) -> dict[str, list[str]]:
    """The values held for this page (a GET by someone signed in in the browser that sent them), once: the
    held text is dropped from the session as it is taken (its key's cookie with the response: `held_drop`)."""
    held = request.session.get(SESSION_KEY)
    if not held or request.method != "GET" or held.get("page") != request.path:
        return {}
    request.session.pop(SESSION_KEY, None)
    key = request.COOKIES.get(HELD_FORM.name, "")
    if not key or held.get("until", 0) < time.time():
        return {}
    opened = text_open(key, held.get("sealed", ""))
    return json.loads(opened) if opened else {}


def held_drop(response) -> None:
    response.delete_cookie(HELD_FORM.name, path="/portal/", samesite="Lax")


def shown_with_held(request, view, *args, **kwargs):
    """Draw the page with its forms filled from the values held for it, if any, saying so; the held text and
    its key dropped."""
    values = held_for(request)
    if not values:
        return view(request, *args, **kwargs)
    messages.info(request, KEPT_NOTE)
    token = _SHOWN.set(values)
    try:
        response = view(request, *args, **kwargs)
    finally:
        _SHOWN.reset(token)
    held_drop(response)
    return response


class TypedBefore:
    """A form that, drawn empty on the page a held form belongs to, shows the values held for its fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = _SHOWN.get()
        if self.is_bound or not values:
            return
        for name, field in self.fields.items():
            if name in values and not SECRET.search(name):
                many = getattr(field.widget, "allow_multiple_selected", False)
                self.initial[name] = values[name] if many else values[name][0]
