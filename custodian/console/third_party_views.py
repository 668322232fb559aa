"""The privacy officer's review of Green Button Connect My Data third parties: each registration with who
they are, what they do with the data and how they keep it, and the scopes they asked for; approved, refused
or suspended with a reason (a suspension ends every token the third party holds)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from custodian.connect.scopes import scope_parse
from custodian.connect.selectors import third_parties_for_review, third_party_for_review
from custodian.connect.services import ConnectError, third_party_review
from custodian.console.access import console_actor, not_found, privacy_officer_only
from custodian.vault.gate import Denied


@privacy_officer_only
def third_parties(request):
    rows = [
        # A scope string split at its semicolons, so a phone's screen can wrap it there.
        (t, [(s.split(";"), scope_parse(s).plain_words()) for s in t.scope_list])
        for t in third_parties_for_review(fetched_by=console_actor(request))
    ]
    return render(request, "console/third_parties.html", {"rows": rows})


@privacy_officer_only
@require_POST
def third_party_review_view(request, third_party_id):
    try:
        third_party = third_party_for_review(fetched_by=console_actor(request), third_party_id=third_party_id)
    except Denied:
        return not_found(request)
    try:
        third_party_review(
            third_party=third_party,
            reviewed_by=request.user,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
        )
    except ConnectError as exc:
        messages.error(request, f"Not recorded: {exc}.")
    else:
        messages.success(request, f"{third_party.name}: {third_party.get_status_display().lower()}.")
    return redirect("console:third_parties")
