"""A decision held for a second person, as the console takes it: the page that lists those waiting, each
beside its approve form, and the steps that approve or decline one. Each such decision (a staff change and a
vendor determination, approval_views; a law enforcement request, law_enforcement_views) is a `HeldDecision`
naming its page, its rule, its look-ups and its service's refusals, and writes each step as the one service
call it makes; who may approve which is the services' and the selectors' to say.

Approving asks the approver to prove again that it is them (their password or a current code): an approval
widens someone's access, or lets customer data leave the utility, so a session taken over for its 30 minutes
must not be enough to give it."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.shortcuts import render

from custodian.console.access import console_actor
from custodian.console.steps import step_form, steps_on
from custodian.staff.forms import ItIsYouForm
from custodian.staff.reauth import it_is_them


class NotThem(Exception):
    """The approver's password or code was not accepted."""


@dataclass(frozen=True)
class HeldDecision:
    """One kind of decision held for a second person.

    Its page, the URL name `page`, is drawn from `template` under `rule` (the page's `console_page`): those
    `waiting` and, where the page shows them, the latest `decided` (selectors taking `fetched_by`). One still
    waiting is `found` (a `looked_up`) by the steps on it, `approve_url` the URL name of its approve step and
    `form_id` the start of its approve form's field ids; `named` is how a message names one ("change": change
    12 is still waiting). Its service says no with `refused`. Its approve form is `form`: the proof that it is
    them (`ItIsYouForm`), or a form built on it that also asks what the approver confirms."""

    page: str
    template: str
    rule: Callable
    waiting: Callable
    decided: Callable | None
    found: Callable
    approve_url: str
    named: str
    refused: tuple[type[Exception], ...]
    form_id: str = "approve"
    form: type[ItIsYouForm] = ItIsYouForm

    def approve_form(self, request, held):
        return step_form(
            request, self.form, self.approve_url, held.pk, auto_id=f"{self.form_id}-{held.pk}-%s"
        )

    def page_drawn(self, request, **context):
        """The page: those waiting, each beside its approve form (the template shows it to whom may use it),
        the latest decided where the page shows them, and the page's own `context`."""
        actor = console_actor(request)
        rows = [(held, self.approve_form(request, held)) for held in self.waiting(fetched_by=actor)]
        if self.decided is not None:
            context["decided"] = self.decided(fetched_by=actor)
        return render(request, self.template, {"waiting": rows, **context})

    def _step(self, *step_args, **answers):
        return steps_on(self.page, rule=self.rule, found=self.found, refused=self.refused)(
            *step_args, **answers
        )

    def approve_step(self, act: Callable[..., str]):
        """The step that approves one: `act(request, held, **confirmed)`, once the approver has proved it is
        them (`confirmed`: the rest of the approve form's answers, none on `ItIsYouForm`)."""

        @wraps(act)
        def approved(request, held, answers):
            confirmed = dict(answers)
            proof = {"password": confirmed.pop("password", ""), "code": confirmed.pop("code", "")}
            # A wrong password counts towards the approver's lockout, as at sign-in.
            if not it_is_them(request, **proof):
                raise NotThem(
                    f"Your password or code was not accepted: {self.named} {held.pk} is still waiting."
                )
            return act(request, held, **confirmed)

        return self._step(self.form, refused=(*self.refused, NotThem))(approved)

    def decline_step(self, act: Callable[..., str]):
        """The step that declines one (the one who asked withdraws theirs this way): `act(request, held)`."""

        @wraps(act)
        def declined(request, held, nothing_typed):
            return act(request, held)

        return self._step()(declined)
