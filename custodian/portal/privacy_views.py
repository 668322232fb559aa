"""The customer's privacy pages: who has seen or changed their data (with receipts), to whom it was
disclosed, consents, Download My Data, and erasure."""

import contextlib
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from custodian.audit.receipts import receipt_for, receipts_for
from custodian.audit.selectors import CHANGE_LABELS, seen_in_words, who_has_seen
from custodian.csvfile import CSV_CONTENT_TYPE
from custodian.customers.selectors import customer_for
from custodian.dates import long_date
from custodian.disclosures.selectors import accounting_summary, consent_list, consent_words
from custodian.disclosures.services import AccountingError, consent_record, consent_revoke
from custodian.netaddr import client_ip
from custodian.outbox.selectors import letters_left_out
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.access import (
    as_me,
    mine,
    portal_actor,
    portal_required,
    reauthenticated,
    signed_in_customer,
)
from custodian.portal.consenting import consent_in_words, covers_from
from custodian.portal.download import Held, documents_shown, download_csv
from custodian.retention.erasure import erasure_answer, erasure_carry_out
from custodian.routing import page
from custodian.rows import CompiledRead
from custodian.usage.services import interval_readings_held
from custodian.vault.gate import customer_actor, reveal_documents
from custodian.vault.records_held import records_held
from custodian.vault.selectors import value_provenance
from custodian.web.confirmation import confirmation_page, confirmed
from custodian.web.post_only import post_only
from custodian.web.steps import form_acted


def _access_rows(events) -> list[dict]:
    """The events as the customer reads them: who acted and why worded for all of them at once."""
    policy = current_policy()
    return [_access_row(policy, seen) for seen in seen_in_words(events)]


def _access_row(policy, seen) -> dict:
    e = seen.event
    return {
        "seq": e.seq,
        "at": e.at,
        "who": seen.who,
        "purpose": seen.why,
        "data": ", ".join(
            policy.categories[c].in_language().label for c in e.category_list if c in policy.categories
        ),
        "decision": "changed" if e.action in CHANGE_LABELS else e.decision,
        "emergency": bool(e.break_glass_id),
    }


# The page's events as the customer themself asks for them, in a query compiled once per process: the ORM
# compiled it afresh on every load. A representative's are the selector's own read (their authority's data).
_SEEN = CompiledRead(
    lambda customer_id: who_has_seen(customer_id=customer_id, fetched_by=customer_actor(customer_id)),
    customer_id=int,
)


def _seen(request) -> list:
    """The events of "who has seen or changed my data" the asker may see: all of them for the customer, those
    of the data their authority covers for a representative."""
    asker = portal_actor(request)
    if asker.categories is None and asker.scope is None:
        return _SEEN.rows(customer_id=request.customer_id)
    return list(who_has_seen(customer_id=request.customer_id, fetched_by=asker))


@page("me/who-has-seen-my-data/", name="accesses")
@portal_required
def accesses(request):
    """Who has seen my data: staff by support service, purpose and time (names of staff are not shown); each
    entry with a receipt to download and check against the published log."""
    return render(
        request,
        "portal/accesses.html",
        {"rows": _access_rows(_seen(request)), "not_covered": _not_covered(request)},
    )


def _not_covered(request) -> str:
    """For a representative, the customer's data their authority leaves out of the page (its events, its
    disclosures, its file): said, so that what is left out is not taken for nothing."""
    policy = current_policy()
    return request.not_covered.among(c for c in policy.categories if c in policy.self_access_categories)


@page("me/who-has-seen-my-data/<id:seq>/receipt.json", name="access_receipt")
@portal_required
def access_receipt(request, seq: int):
    """One entry's receipt: the event, its inclusion proof and a signed head of the published log."""

    owned = (
        who_has_seen(customer_id=request.customer_id, fetched_by=portal_actor(request), limit=None)
        .filter(seq=seq)
        .exists()
    )
    receipt = receipt_for(seq) if owned else None
    if receipt is None:
        raise Http404
    response = JsonResponse(receipt, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="access-receipt-{seq}.json"'
    return response


@page("me/who-we-gave-it-to/", name="disclosures")
@portal_required
def disclosures(request):
    rows = accounting_summary(fetched_by=portal_actor(request), customer_id=request.customer_id)
    return render(request, "portal/disclosures.html", {"rows": rows, "not_covered": _not_covered(request)})


@page("me/consents/", name="consents")
@portal_required
def consents(request):
    policy = current_policy()
    # The terms in the page's language: the customer agrees to the words shown, and the consent keeps them.
    terms = policy.consent_terms()
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        today = timezone.localdate()
        text = f"{consent_in_words(form, utility=policy.utility['name'], today=today)} {terms}"
        # The customer reads the consent's own words before giving it, and the consent keeps exactly those:
        # words that changed since they were shown (another day, another language) are shown again.
        if not confirmed(request) or request.POST.get("words") != text:
            return confirmation_page(
                request,
                title=_("Give a written consent"),
                heading=_("Read your consent before you give it"),
                lead=_("These are the words we keep as your written consent, exactly as shown here."),
                summary=[(_("Your consent"), text)],
                confirm_label=_("Give this consent"),
                cancel_url=reverse("portal:consents"),
                extra={"words": text},
            )

        def give():
            consent_record(
                customer=signed_in_customer(request),
                recipient_name=d["recipient_name"],
                recipient_contact=d["recipient_contact"],
                categories=d["categories"],
                purpose=d["purpose"],
                covers_from=covers_from(d["covers_past"], today),
                covers_until=d["covers_until"],
                signed_at=timezone.now(),
                method="electronic",
                text_shown=text,
                terms=terms,
                signer_ip=client_ip(request),
            )
            given = _("Consent given: %(who)s may receive what you chose.") % {"who": d["recipient_name"]}
            return given, redirect("portal:consents")

        done = form_acted(request, form, give, refused=AccountingError)
        if done:
            return done
    mine = list(consent_list(fetched_by=portal_actor(request), customer_id=request.customer_id))
    if mine:
        # The consents' own words are sealed: read through the gate as the customer, once for all of them.
        words = consent_words(
            **as_me(request),
            purpose="providing_services",
        )
        for consent in mine:
            consent.words = words.get(consent.sealed_ref)
            consent.category_labels = _category_labels(consent.category_list)
    # Drawn again with the form's errors or the service's refusal: 400, as every form drawn again.
    status = 400 if request.method == "POST" else 200
    return render(
        request, "portal/consents.html", {"form": form, "terms": terms, "consents": mine}, status=status
    )


@page("me/consents/<id:consent_id>/revoke/", name="consent_revoke")
@portal_required
@post_only("portal:consents")
def consent_revoke_view(request, consent_id):
    consent = (
        consent_list(fetched_by=portal_actor(request), customer_id=request.customer_id)
        .filter(pk=consent_id)
        .first()
    )
    if consent is not None and not hasattr(consent, "revocation"):
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("Revoke a consent"),
                heading=_("Revoke this consent?"),
                lead=_(
                    "From now on we will not give this data to the recipient on the strength of this "
                    "consent. What was given before stays in the record of who we gave it to."
                ),
                summary=[
                    (_("Data"), ", ".join(_category_labels(consent.category_list))),
                    (_("Given"), long_date(timezone.localtime(consent.signed_at).date())),
                ],
                confirm_label=_("Revoke the consent"),
                cancel_url=reverse("portal:consents"),
                danger=True,
            )
        with contextlib.suppress(AccountingError):  # revoked a moment ago in another tab
            consent_revoke(consent=consent, how="the customer, in the portal")
        messages.success(request, _("Consent revoked."))
    return redirect("portal:consents")


def _category_labels(keys) -> list[str]:
    categories = current_policy().categories
    return [categories[k].in_language().label if k in categories else k for k in keys]


@page("me/download.<str:fmt>", name="download")
@portal_required
def download(request, fmt):
    """Download everything: every section the portal shows of the customer's data, as JSON (for programs,
    with a receipt for each entry of who has seen or changed it) or as a spreadsheet (CSV, `portal.download`).
    A representative's file holds what their authority covers: the gate would refuse the rest, and the
    whole file with it."""
    if fmt not in ("json", "csv"):
        raise Http404
    policy = current_policy()
    fields = [
        c.field
        for c in policy.categories.values()
        if c.key in policy.self_access_categories and c.key != "correspondence"
    ]
    values = mine(request, fields, purpose="legal_obligations")
    asker = portal_actor(request)
    documents = (
        reveal_documents(
            **as_me(request),
            category="correspondence",
            ref_prefix="",
            purpose="legal_obligations",
        )
        if asker.reads_own(request.customer_id, category="correspondence")
        else []
    )
    # A representative's copy: what their authority covers of the letters and addresses (`download`).
    documents = documents_shown(
        documents,
        within=asker.categories,
        letters_out=letters_left_out(
            within=asker.categories, customer_id=request.customer_id, refs=[d.ref for d in documents]
        ),
        not_covered=request.not_covered,
    )
    intervals = (
        interval_readings_held(
            **as_me(request),
            purpose="legal_obligations",
        )
        if asker.reads_own(request.customer_id, category="meter_usage")
        else []
    )
    # What is kept of a category as records (the bills, the ledger, agreements…), of the categories the
    # asker may read: one read of each.
    records = [
        t
        for c in policy.categories.values()
        if c.key in policy.self_access_categories and asker.reads_own(request.customer_id, category=c.key)
        for t in records_held(**as_me(request), category=c.key, purpose="legal_obligations")
    ]
    disclosures = accounting_summary(fetched_by=asker, customer_id=request.customer_id)
    if fmt == "csv":
        held = Held(
            values=values,
            provenance=value_provenance(
                fetched_by=asker, customer_id=request.customer_id, fields=list(values)
            ),
            documents=documents,
            intervals=intervals,
            records=records,
            disclosures=disclosures,
            # Every entry, not only the latest the page lists: the file is the customer's whole copy.
            accesses=_access_rows(
                who_has_seen(customer_id=request.customer_id, fetched_by=asker, limit=None)
            ),
            not_covered=_not_covered(request),
            section_not_covered={c: request.not_covered[c] for c in ("meter_usage", "correspondence")},
        )
        response = HttpResponse(download_csv(held), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="my-data.csv"'
        return response
    data = {k: (json.loads(v) if k == "meter_usage" else v) for k, v in values.items()}
    data["correspondence"] = [
        {
            "ref": d.ref,
            "filename": d.filename,
            "media_type": d.media_type,
            "text": d.text,
            "bytes": d.size,
            **({"not_covered": d.not_covered} if d.not_covered else {}),
        }
        for d in documents
    ]
    data["meter_intervals"] = intervals
    # The records kept of a category (bills, the ledger, requests, consents…) as tables, each naming its
    # category, in one list beside the values and letters: a category may hold both (the correspondence is
    # letters and the requests' table), as the answer to a data request gives them.
    data["records"] = [
        {
            "key": t.key,
            "category": t.category,
            "title": t.title,
            "columns": t.headers,
            "rows": [r.data for r in t.records],
        }
        for t in records
    ]
    response = JsonResponse(
        {
            "customer": request.customer_id,
            "data": data,
            "disclosures": [
                {**r, "first": r["first"].isoformat(), "last": r["last"].isoformat()} for r in disclosures
            ],
            "accesses": _accesses_with_receipts(request.customer_id, asker),
            # A representative's file: the categories their authority leaves out, in words and by key.
            **(
                {
                    "not_covered": not_covered,
                    "not_covered_categories": [
                        c
                        for c in policy.categories
                        if c in policy.self_access_categories
                        and not asker.reads_own(request.customer_id, category=c)
                    ],
                }
                if (not_covered := _not_covered(request))
                else {}
            ),
        },
        json_dumps_params={"indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def _accesses_with_receipts(customer_id: int, asker) -> list[dict]:
    # Every entry, as the CSV gives them: the file is the customer's whole copy, not the page's latest.
    rows = _access_rows(who_has_seen(customer_id=customer_id, fetched_by=asker, limit=None))
    receipts = receipts_for([r["seq"] for r in rows])
    return [{**r, "at": r["at"].isoformat(), "receipt": receipts.get(r["seq"])} for r in rows]


@page("me/delete-my-data/", name="erasure")
@portal_required
def erasure(request):
    """Delete my data: first the honest answer (what we must keep and why, what we delete now), then, when
    the customer confirms they understand, the deletion; the answer also goes out by letter. Deleting can't
    be undone, so it asks for the password again first (a sign-in left open is not enough), and again if the
    few minutes that lasts have passed before the confirmation."""

    if not reauthenticated(request):
        return redirect(
            f"{reverse('portal:reauthenticate')}?{urlencode({'next': reverse('portal:erasure')})}"
        )
    answer = erasure_answer(fetched_by=portal_actor(request), customer_id=request.customer_id)
    if answer is None:
        raise Http404
    if request.method != "POST":
        return render(request, "portal/erasure.html", {"answer": answer})
    if request.POST.get("understood") != "on":
        return render(
            request,
            "portal/erasure.html",
            {
                "answer": answer,
                "error": _("Tick the box to say you have read what we keep and what we delete."),
            },
            status=400,
        )
    customer = customer_for(fetched_by=portal_actor(request), customer_id=request.customer_id)
    erasure_carry_out(customer=customer, requested_via="portal", representative=request.representative)
    logout(request)
    return render(request, "portal/erasure_done.html", {"answer": answer})
