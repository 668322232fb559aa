"""What a customer typed is not lost when their sign-in ran out before they sent the form.

Which forms: only plain data entry, named on the form class (`TypedBefore`, an allow-list): the contact
details, a statement of disagreement, a request's message. Never a form that grants something or binds the
customer (a consent, an app's authorisation, a representative's authority, a payment, a payment agreement,
stopping or moving service): those are typed anew, never shown filled in by anyone but the customer now.

Whose: the customer who was shown the form, and them alone. Each held form carries a hidden token
(`SHOWN_TO`) signed by the server (`django.core.signing`, its own salt, valid `SHOWN_SECONDS`) naming the
customer signed in when the page was drawn, the representative if they acted for someone, and the form. A
form sent without a live session (`access.portal_required`) is held only if its token verifies, bound to
that customer; a form sent by someone never signed in carries no valid token and nothing is held.
Once someone signs in, the held values fill the form only if they are that same customer (and, when acting
for someone, the same representative); another customer signing in next in the same browser drops them
unread.
Why a signed token rather than the expired session's record: the record of an expired session is gone once
the sessions are cleared (or never kept on the server, with a session kept in a cookie), and it is named by
nothing but the cookie the browser sends, so it is not a witness of who typed; the token is made by the
server for the page it drew for one customer and cannot be forged without the server's secret key.

How: the form's own fields, never a password, a code, a token, the forgery protection, a bank or card number
or a box that gives consent (`kept`), and nothing at all when the form sent is larger than a form's worth
(`MOST_FIELDS`, `MOST_CHARACTERS`, names and values counted); sealed by `vault.held_text` under a key only
this browser gets (the `HELD_FORM` cookie; the server keeps the sealed text in the browser's session, named by
the path of the page that shows the form). The sign-in is asked with that page as its `next`. The session
carries over the sign-in (it is given a new key, not emptied), so once signed in, the page's form shows the
held values with a note to check them and send again, once: the held text and its key are dropped as they are
shown, and kept meanwhile if the page shows the customer no such form (a limited account, an authority that
does not cover it). Signing out or the time running out (`HELD_SECONDS`) drops them. Another browser, or
anyone who holds the server's records but not the browser's key, reads nothing."""

import json
import re
import time
from contextvars import ContextVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy

from custodian.vault.held_text import text_open, text_seal
from custodian.web.cookies import HELD_FORM, HELD_FORM_MAX_AGE

SESSION_KEY = "portal_held_form"
HELD_SECONDS = HELD_FORM_MAX_AGE
SHOWN_TO = "shown_to"  # the hidden field of the signed token
SALT = "custodian.portal.held_form.shown_to"
SHOWN_SECONDS = 2 * 60 * 60  # a form left open on the screen for a morning's work, not longer
MOST_FIELDS = 20  # a form's worth of fields
MOST_CHARACTERS = 20_000  # a form's worth of typed text, names and values; anything larger is not held
# Never held, whatever the form: names that say a secret or a credential, or money's way in; nor the notice
# shown (the page shows the one in force again), a box that gives consent or authority, or one that removes
# what we hold (each ticked anew, never shown pre-ticked).
SECRET = re.compile(
    r"pass|code|token|csrf|secret|otp|pin|key|card|cvv|cvc|routing|bank|iban|signature"
    r"|notice_shown|shown_to|agree|authori[sz]e|consent|remove",
    re.IGNORECASE,
)
KEPT_NOTE = gettext_lazy("Your session ended; we kept what you typed. Check it and send again.")

# The forms that may be held, by name (`TypedBefore` subclasses).
HELD_FORMS: dict[str, type] = {}
# Who the page being drawn is for: (the signed-in customer, the representative acting for one or None, the
# pages they may open), set by `access.portal_required` during the view.
_VIEWER: ContextVar[tuple | None] = ContextVar("held_form_viewer", default=None)
# The held text of the page being drawn, for its forms, during that one view.
_SHOWN: ContextVar[dict | None] = ContextVar("held_form_shown", default=None)


def _sent_size(post) -> tuple[int, int]:
    fields = characters = 0
    for name in post:
        values = post.getlist(name)
        fields += max(len(values), 1)
        characters += len(name) * max(len(values), 1) + sum(len(v) for v in values)
    return fields, characters


def kept(post, form_class) -> dict[str, list[str]]:
    """The fields of a sent form that may be held: the held form's own typed values, never one whose name says
    it is a secret, a credential or money's way in; nothing when what was sent is larger than a form."""
    fields, characters = _sent_size(post)
    if fields > MOST_FIELDS or characters > MOST_CHARACTERS:
        return {}
    own = [name for name in form_class.base_fields if name in post and not SECRET.search(name)]
    held = {name: [v for v in post.getlist(name) if v] for name in own}
    return {name: values for name, values in held.items() if values}


def shown_to(form_class) -> str | None:
    """The token a held form carries: the customer (and representative) it is drawn for, and the form."""
    viewer = _VIEWER.get()
    if viewer is None:
        return None
    customer, rep, _may = viewer
    return signing.dumps({"c": customer, "r": rep, "f": form_class.held_name}, salt=SALT)


def _shown_to_read(token: str) -> dict | None:
    try:
        who = signing.loads(token, salt=SALT, max_age=SHOWN_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return who if isinstance(who, dict) and who.get("f") in HELD_FORMS else None


def form_page(request, view) -> str:
    """The path of the page that shows the form sent: the page a form-only address sends a visitor to
    (`web.post_only`), else the address itself."""
    shown_on = getattr(view, "form_page", None)
    return reverse(shown_on) if shown_on else request.path


def form_hold(request, response, page: str) -> None:
    """Hold what the form sent (`kept`) for `page` and the customer its token names, sealed, in this browser's
    session; its key in a cookie on `response` (the sign-in's redirect). Nothing without a valid token."""
    who = _shown_to_read(request.POST.get(SHOWN_TO, ""))
    if who is None:
        return
    values = kept(request.POST, HELD_FORMS[who["f"]])  # nothing when what was sent is larger than a form
    if not values:
        return
    key, sealed = text_seal(json.dumps(values).encode())
    request.session[SESSION_KEY] = {
        "page": page,
        "form": who["f"],
        "customer": who["c"],
        "rep": who["r"],
        "sealed": sealed,
        "until": time.time() + HELD_SECONDS,
    }
    response.set_cookie(
        HELD_FORM.name,
        key,
        max_age=HELD_SECONDS,
        path="/portal/",
        secure=not settings.DEBUG,
        httponly=True,
        samesite="Lax",
    )


def held_drop(response) -> None:
    response.delete_cookie(HELD_FORM.name, path="/portal/", samesite="Lax")


def shown_with_held(request, view, who: tuple, *args, **kwargs):
    """Draw the page for `who` (the signed-in customer, and the representative acting for someone or None),
    with the held form on it filled from the values held for it if they are theirs, saying so; the held text
    and its key dropped once shown, or at once if they are another customer's."""
    customer, rep = who
    _viewer = _VIEWER.set((customer, rep, request.may))
    try:
        held = request.session.get(SESSION_KEY)
        if not held or request.method != "GET":
            return view(request, *args, **kwargs)
        if held.get("customer") != customer or held.get("until", 0) < time.time():
            request.session.pop(SESSION_KEY, None)  # another's, or too old: never shown
            response = view(request, *args, **kwargs)
            held_drop(response)
            return response
        if held.get("page") != request.path or held.get("rep") != rep:
            return view(request, *args, **kwargs)  # kept for the page and the authority it was typed on
        opened = text_open(request.COOKIES.get(HELD_FORM.name, ""), held.get("sealed", ""))
        if opened is None:
            request.session.pop(SESSION_KEY, None)
            return view(request, *args, **kwargs)
        state = {"values": json.loads(opened), "form": held.get("form"), "request": request, "used": False}
        _shown = _SHOWN.set(state)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _SHOWN.reset(_shown)
        if state["used"]:
            request.session.pop(SESSION_KEY, None)
            held_drop(response)
        return response
    finally:
        _VIEWER.reset(_viewer)


class TypedBefore(forms.Form):
    """A form whose typed values are held over a sign-in that ran out (the allow-list: plain data entry only,
    each naming the page its form is sent to, `held_action`). It carries the signed token of who it was drawn
    for; drawn empty for that same customer on the page its held values belong to, it shows them, once, and
    the page says so."""

    held_action = ""  # the URL name its form is sent to: filled only where the reader may send it

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.held_name = f"{cls.__module__}.{cls.__qualname__}"
        HELD_FORMS[cls.held_name] = cls

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token = shown_to(type(self))
        if token is None:
            return
        self.fields[SHOWN_TO] = forms.CharField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial[SHOWN_TO] = token
        state = _SHOWN.get()
        viewer = _VIEWER.get()
        if self.is_bound or not state or state["used"] or state["form"] != self.held_name:
            return
        if not viewer or not viewer[2][self.held_action]:
            return  # a form the page does not show this reader
        values = state["values"]
        for name, field in self.fields.items():
            if name in values and not SECRET.search(name):
                many = getattr(field.widget, "allow_multiple_selected", False)
                self.initial[name] = values[name] if many else values[name][0]
        state["used"] = True
        messages.info(state["request"], KEPT_NOTE)
