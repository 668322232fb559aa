"""The console's pages for the bank's notifications of change (collections: automatic payment is theirs).

- The list: the notices not yet acted on, oldest first, each with the day the NACHA rules ask the change
  to be made by (overdue ones flagged), its change code in words and the account by the number on its bill
  (one bulk read for collecting payments, logged); the bank's corrected data is not on it. Below, those acted
  on in the last 30 days, with what was done, when and by whom.
- A notice's page: the bank account on file and as the bank corrected it, read through the gate for
  collecting payments (the reads logged) and shown masked to their last four digits as every staff surface
  shows bank details; and its two steps, each taken once: apply the correction to the bank account on
  file, or record that it was handled without a change and why (`payments.change_notices`).
"""

from datetime import timedelta

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.console.access import acts_for, console_actor, console_page, looked_up
from custodian.console.account_names import accounts_named
from custodian.console.steps import step_form, steps_on
from custodian.netaddr import client_ip
from custodian.payments.ach_returns import CHANGE_CODES
from custodian.payments.change_notices import (
    BANKING_DAYS_TO_ACT,
    ChangeNoticeError,
    autopay_active,
    change_notice_apply,
    change_notice_close,
    correction_read,
    due_on,
)
from custodian.payments.choices import NoChangeReason
from custodian.payments.selectors import CHANGE_NOTICES_PURPOSE, change_notice_for, change_notices
from custodian.routing import page
from custodian.vault import gate

collections_staff = acts_for(CHANGE_NOTICES_PURPOSE)
COLLECTIONS_ONLY = _(
    "Only staff whose support service acts for collecting payments act on the bank's notices."
)
HANDLED_DAYS = 30


class NoChangeForm(forms.Form):
    reason = forms.ChoiceField(label="Why no change is made", choices=NoChangeReason.choices)


@page("collections/bank-notices/", name="bank_notices")
@console_page(collections_staff, COLLECTIONS_ONLY)
def bank_notices(request):
    actor = console_actor(request)
    today = timezone.localdate()
    waiting = change_notices(fetched_by=actor)
    handled = change_notices(fetched_by=actor, handled_since=timezone.now() - timedelta(days=HANDLED_DAYS))
    names = accounts_named(
        request, {n.debit.account_id for n in [*waiting, *handled]}, purpose=CHANGE_NOTICES_PURPOSE
    )
    rows = [(n, names[n.debit.account_id], due_on(n), CHANGE_CODES.get(n.change_code, "")) for n in waiting]
    return render(
        request,
        "console/bank_notices.html",
        {
            "waiting": rows,
            "handled": [(n, names[n.debit.account_id]) for n in handled],
            "handled_days": HANDLED_DAYS,
            "banking_days": BANKING_DAYS_TO_ACT,
            "today": today,
        },
    )


@page("collections/bank-notices/<id:notice_id>/", name="bank_notice")
@console_page(collections_staff, COLLECTIONS_ONLY)
@looked_up(change_notice_for, "notice_id")
def bank_notice(request, notice):
    correction, refused = None, ""
    if notice.acted_on is None:
        try:
            correction = correction_read(
                notice=notice, actor=console_actor(request), client_ip=client_ip(request)
            )
        except gate.Denied as exc:
            refused = gate.refused_in_words(exc)
        except ChangeNoticeError as exc:
            refused = str(exc)
    name = accounts_named(request, [notice.debit.account_id], purpose=CHANGE_NOTICES_PURPOSE)
    return render(
        request,
        "console/bank_notice.html",
        {
            "notice": notice,
            "account_name": name[notice.debit.account_id],
            "changes": CHANGE_CODES.get(notice.change_code, "an unknown change code"),
            "due_on": due_on(notice),
            "banking_days": BANKING_DAYS_TO_ACT,
            "today": timezone.localdate(),
            "autopay_active": autopay_active(notice),
            "correction": correction,
            "refused": refused,
            "no_change_form": step_form(request, NoChangeForm, "console:bank_notice_no_change", notice.pk),
        },
    )


_notice_step = steps_on(
    "console:bank_notice",
    rule=console_page(collections_staff, COLLECTIONS_ONLY),
    found=looked_up(change_notice_for, "notice_id"),
    url_key="notice_id",
    refused=ChangeNoticeError,
)


@page("collections/bank-notices/<id:notice_id>/apply/", name="bank_notice_apply")
@_notice_step(refusal=lambda exc: f"Not applied: {exc}.")
def bank_notice_apply(request, notice, _d):
    change_notice_apply(notice_id=notice.pk, by=request.user, client_ip=client_ip(request))
    return (
        f"The bank's correction ({notice.change_code}) is on file: the next debit of the account uses it. "
        "The change is in the access log."
    )


@page("collections/bank-notices/<id:notice_id>/no-change/", name="bank_notice_no_change")
@_notice_step(NoChangeForm, failed="Not recorded", refusal=lambda exc: f"Not recorded: {exc}.")
def bank_notice_no_change(request, notice, d):
    done = change_notice_close(notice_id=notice.pk, by=request.user, reason=d["reason"])
    return f"Notice {done.pk} handled without a change: {done.get_no_change_reason_display()}."
