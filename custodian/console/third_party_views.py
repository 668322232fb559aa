"""The privacy officer's review of Green Button Connect My Data third parties: each registration with who
they are, what they do with the data and how they keep it, and the scopes they asked for; approved, refused
or suspended with a reason (a suspension ends every token the third party holds)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from custodian.connect.scopes import scope_parse
from custodian.connect.selectors import third_parties_for_review, third_party_for_review
from custodian.connect.services import ConnectError, third_party_review
from custodian.console.access import console_actor, looked_up, privacy_officer_only
from custodian.console.forms import ThirdPartyReviewForm
from custodian.console.steps import step_form, steps_on
from custodian.routing import page
from custodian.vault.gate import Denied

# Each page of the privacy office refused to others with words saying what it does.
_third_party_desk = privacy_officer_only(
    _("Only the privacy officer approves the apps that fetch customers' meter data.")
)


@page("privacy/third-parties/", name="third_parties")
@_third_party_desk
def third_parties(request):
    rows = [
        # A scope string split at its semicolons, so a phone's screen can wrap it there; each with its own
        # review form (the one sent comes back with what was typed).
        (
            t,
            [(s.split(";"), scope_parse(s).plain_words()) for s in t.scope_list],
            step_form(
                request, ThirdPartyReviewForm, "console:third_party_review", t.pk, auto_id=f"tp-{t.pk}-%s"
            ),
        )
        for t in third_parties_for_review(fetched_by=console_actor(request))
    ]
    return render(request, "console/third_parties.html", {"rows": rows})


def _for_review(*, fetched_by, third_party_id):
    try:
        return third_party_for_review(fetched_by=fetched_by, third_party_id=third_party_id)
    except Denied:
        return None


_review_step = steps_on(
    "console:third_parties",
    rule=_third_party_desk,
    found=looked_up(_for_review, "third_party_id"),
    refused=ConnectError,
)


@page("privacy/third-parties/<id:third_party_id>/review/", name="third_party_review")
@_review_step(ThirdPartyReviewForm, refusal=lambda exc: f"Not recorded: {exc}.")
def third_party_review_view(request, third_party, d):
    third_party_review(
        third_party=third_party, reviewed_by=request.user, decision=d["decision"], note=d["note"]
    )
    return f"{third_party.name}: {third_party.get_status_display().lower()}."
