"""A form that records something records it once per form drawn: a copy of the same form sent again (a
double click, the browser sending it again after a reload or the back button, a slow connection's retry) is
told that it is recorded already, as #N, and taken to where the first went, instead of making a second
record (two requests with two due dates, two deposits asked, two consents).

How: a form that records something is a `OnceForm`. Drawn empty, it carries a one-time token in a hidden
field (no JavaScript needed). The shared steps that send a form to its service call (`web.steps.form_acted`,
`console.steps.step`, the portal's and the public site's views through `once`) spend the token in the same
transaction as the service call makes the record: a `FormSent` row under the token's unique key, with the
number of the record made (the first of the form's `records` model the call saves) and the page the answer
went to. A second copy finds the row (or, sent at the same moment, waits on the first's key and then finds
it) and records nothing. A form the service refuses, or one that does not validate, spends nothing: the page
is drawn again with the same token, and sent corrected it is recorded once. A form sent without a token (an
old page, a script) is taken as before. The rows carry no personal data and are pruned after a day by the
retention run. Whether the same thing asked again on a new form is a second record is each service's own
rule (a check number recorded once, a staff change asked once, a request sent again within minutes)."""

import re
import secrets
from contextvars import ContextVar
from datetime import datetime, timedelta

from django import forms
from django.apps import apps
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.web.models import FormSent

FIELD = "once"
KEPT = timedelta(days=1)  # a copy sent again comes within seconds; a day covers a tab left open overnight
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class OnceForm(forms.Form):
    """A form whose step records something: drawn empty it carries a new one-time token. `records` names
    the model ("app_label.Model") of the record the step makes, whose number a copy sent again is told. That
    copy goes where the first went (the page its answer sent the sender to), except: `again_page` (a URL name
    taking no arguments) where it is taken when the first's answer was no page to come back to (a file
    downloaded, or another site's page: the card processor's checkout, whose address is not ours to keep);
    `records_page` the page of the record made (a URL name taking its key) when the first's answer was a
    page drawn rather than a redirect, one that whoever may send the form may open. A record page is never
    taken instead of where the first went: the record may be another service's, not the sender's to open."""

    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=43, initial=_new_token)
    records: str = ""
    records_page: str = ""
    again_page: str = ""

    once_token = ""

    def full_clean(self):
        """The token is taken out of the cleaned data (`once_token`): a step that passes a form's fields on as
        its service call's arguments passes the form's own fields alone. One malformed is no token."""
        super().full_clean()
        token = self.cleaned_data.pop(FIELD, "") if hasattr(self, "cleaned_data") else ""
        self.once_token = token if _TOKEN.fullmatch(token or "") else ""


# The keys of the records of a form's `records` model saved while its step runs (this thread's, this task's).
_made: ContextVar[list | None] = ContextVar("custodian_once_made", default=None)


def _saved(sender, instance, created, **kwargs):
    made = _made.get()
    if created and made is not None:
        made.append(instance.pk)


def _recorded(response) -> bool:
    """A step answers a form it recorded with a redirect or a page saying so; one it did not record with
    None or the form drawn again (400, 403, 429...)."""
    return response is not None and response.status_code < 400


def already(request, sent: FormSent):
    """The answer to a copy of a form already recorded: where the first went, saying so."""
    if sent.number:
        messages.info(
            request,
            _("This form was sent already: it is recorded as #%(number)s, and was not recorded again.")
            % {"number": sent.number},
        )
    else:
        messages.info(request, _("This form was sent already and is recorded; it was not recorded again."))
    return redirect(sent.url or request.path)


def spent(form) -> FormSent | None:
    """The form's earlier copy, recorded already, if any: for a step to answer before it reads anything for
    the form (a look-up the access log would show twice)."""
    token = form.once_token if isinstance(form, OnceForm) and form.is_valid() else ""
    return FormSent.objects.filter(pk=token).first() if token else None


def once(request, form, answer, *, again=already):
    """`answer()` (the step: its service call and the response it answers with) run once for the form drawn:
    with the token spent in its transaction when it records (`_recorded`), and `again(request, sent)` (by
    default `already`) when the token was spent already. A form that is no `OnceForm`, or that came without a
    token, is answered by `answer()` alone."""
    token = form.once_token if isinstance(form, OnceForm) and form.is_valid() else ""
    if not token:
        return answer()
    sent = spent(form)
    if sent is not None:
        return again(request, sent)
    if form.records:
        model = apps.get_model(form.records)
        post_save.connect(_saved, sender=model, dispatch_uid=f"custodian.web.once:{form.records}")
    made: list = []
    watching = _made.set(made)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    FormSent.objects.create(token=token, sent_at=timezone.now())
            except IntegrityError:  # the same form sent at the same moment: the other copy spent it
                pass
            else:
                response = answer()
                if not _recorded(response):
                    # The token is given back, and nothing else undone: the step's service undid its own
                    # writes when it refused, and what the page drawn again read stays in the access log.
                    FormSent.objects.filter(pk=token).delete()
                    return response
                number = str(made[0]) if made else ""
                url = _copy_goes_to(request, form, response, made)
                FormSent.objects.filter(pk=token).update(number=number, url=url[:400])
                return response
    finally:
        _made.reset(watching)
    return again(request, FormSent.objects.get(pk=token))


def _copy_goes_to(request, form, response, made: list) -> str:
    """Where a copy of the form is taken: where the first was sent (a page its sender was just shown, so one
    they may open, even when the record is another service's to work, as a call a customer service
    representative records for field services); the form's `again_page` when the first's answer was no page
    of ours to come back to; the record's `records_page` when the first was answered with a page drawn, not
    sent on; else the page that answered it."""
    if form.again_page:
        return reverse(form.again_page)
    if went := getattr(response, "url", ""):
        return went
    if made and form.records_page:
        return reverse(form.records_page, args=[made[0]])
    return request.path


def spent_past_mattering(now: datetime):
    """The forms sent more than KEPT before `now`: a copy of one sent again now is a page left open a day."""
    return FormSent.objects.filter(sent_at__lt=now - KEPT)


def spent_prune(now: datetime) -> int:
    """Forget the forms sent more than KEPT before `now` (by the retention run): how many."""
    count, _deleted = spent_past_mattering(now).delete()
    return count
