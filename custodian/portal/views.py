"""The customer portal. Every page works from the signed-in customer's own account: no URL carries a
customer number, so no URL can reach another customer's data. Every read goes through the gate as the
customer themself."""

import contextlib
import io
import json
import re
from functools import wraps

import segno
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from custodian.audit.receipts import receipt_for, receipts_for
from custodian.audit.selectors import who_has_seen
from custodian.casework.services import Intake, request_intake
from custodian.csvfile import csv_writer
from custodian.customers.models import Customer
from custodian.disclosures.selectors import accounting_summary, consent_list
from custodian.disclosures.services import AccountingError, consent_record, consent_revoke
from custodian.netaddr import client_ip
from custodian.outbox.selectors import printed_letter, sent_to_customer
from custodian.policy.loader import current_policy
from custodian.portal import forms
from custodian.portal.services import Enrolment, EnrolmentError, login_name, portal_confirm, portal_enrol
from custodian.redirects import safe_next
from custodian.retention.erasure import erasure_answer, erasure_carry_out
from custodian.staff import mfa
from custodian.staff.forms import CodeForm
from custodian.staff.sessions import privilege_raised, recently_reauthenticated, second_factor_passed
from custodian.usage.forms import PeriodForm
from custodian.usage.greenbutton_export import espi_feed, green_button_csv
from custodian.usage.report_pdf import report_pdf
from custodian.usage.services import interval_readings_held, my_comparison, my_usage, usage_points_for
from custodian.vault.gate import customer_actor, reveal, reveal_documents
from custodian.vault.normalize import MARKETING_OPTED_OUT, normalize
from custodian.vault.selectors import value_provenance
from custodian.vault.services import Submission, marketing_preference_set, personal_data_record
from custodian.web.protection import over_limit, rate_limited

PROFILE_FIELDS = (
    "name",
    "email",
    "phone",
    "mailing_address",
    "service_address",
    "account_number",
    "bank_account",
)
# Shown with all but the last four digits hidden unless the customer re-entered their password a moment ago
# (a session left open, or taken over, does not show where the money comes from).
MASKED_UNTIL_REAUTH = ("bank_account",)


def portal_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = getattr(request.user, "portal_account", None) if request.user.is_authenticated else None
        if account is None or account.confirmed_at is None:
            return redirect("portal:login")
        if not request.user.is_verified() and mfa.has_confirmed_totp(request.user):
            return redirect("portal:code")  # the customer chose a second factor: it is asked every time
        request.customer_id = account.customer_id
        return view(request, *args, **kwargs)

    return wrapper


def last_four(value: str) -> str:
    """Every digit but the last four hidden: `routing 091000019 account 123456789` →
    `routing ••••••••• account •••••6789`."""
    keep = len(re.findall(r"\d", value)) - 4
    out = []
    for ch in value:
        if ch.isdigit() and keep > 0:
            out.append("•")
            keep -= 1
        else:
            out.append(ch)
    return "".join(out)


def _reauthenticated(request) -> bool:
    return recently_reauthenticated(request, settings.CUSTODIAN_REAUTH_SECONDS)


def portal_actor(request):
    """The signed-in customer as the gate and the selectors see them."""
    return customer_actor(request.customer_id, "the customer")


def _mine(request, fields, purpose="providing_services"):
    """Every read of the portal: through the gate as the customer; bank details masked unless the customer
    re-authenticated a moment ago (pages and downloads alike)."""
    values = reveal(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        fields=fields,
        purpose=purpose,
        client_ip=client_ip(request),
    )
    if not _reauthenticated(request):
        values.update({f: last_four(values[f]) for f in MASKED_UNTIL_REAUTH if values.get(f)})
    return values


def enrol(request):
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # The bill figure is a small secret: a few tries per address and per account number a day, so it
        # can't be guessed by trying every value.
        if rate_limited(request, scope="enrol", limit=10, window_seconds=24 * 3600) or account_rate_limited(
            d["account_number"]
        ):
            form.add_error(None, "Too many attempts. Try again tomorrow, or call us to sign up.")
            return render(
                request,
                "portal/enrol.html",
                {"form": form, "notice": current_policy().notices["portal_profile"]},
                status=429,
            )
        try:
            portal_enrol(
                enrolment=Enrolment(**d),
                confirm_url=lambda t: request.build_absolute_uri(reverse("portal:confirm", args=[t])),
            )
        except EnrolmentError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "portal/enrol_sent.html", {"email": d["email"]})
    return render(
        request, "portal/enrol.html", {"form": form, "notice": current_policy().notices["portal_profile"]}
    )


def confirm(request, token):
    try:
        portal_confirm(token=token)
    except EnrolmentError as exc:
        return render(
            request, "portal/message.html", {"title": "Link not valid", "message": str(exc)}, status=400
        )
    return render(
        request,
        "portal/message.html",
        {
            "title": "Confirmed",
            "message": "Your e-mail address is confirmed. You can sign in now.",
            "sign_in": True,
        },
    )


def sign_in(request):
    form = forms.SignInForm(request.POST or None)
    # Lockout counts failures per account (django-axes); one address trying many accounts is slowed here,
    # counted in the cache under a salted hash of the address (a customer's address is never stored).
    if request.method == "POST" and rate_limited(
        request, scope="portal-sign-in", limit=30, window_seconds=600
    ):
        form.add_error(None, "Too many sign-in attempts from your network. Try again in a few minutes.")
        return render(request, "portal/sign_in.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=login_name(form.cleaned_data["email"]), password=form.cleaned_data["password"]
        )
        if user is not None and hasattr(user, "portal_account"):
            login(request, user)
            return redirect("portal:code" if mfa.has_confirmed_totp(user) else "portal:home")
        form.add_error(
            None, "E-mail address or password not recognised (or the address is not confirmed yet)."
        )
    return render(request, "portal/sign_in.html", {"form": form})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("web:portal")


@portal_required
def home(request):
    values = _mine(request, list(PROFILE_FIELDS))
    labels = {c.field: c.label for c in current_policy().categories.values()}
    provenance = value_provenance(
        fetched_by=portal_actor(request), customer_id=request.customer_id, fields=PROFILE_FIELDS
    )
    opted_out = _mine(request, ["marketing_preference"]).get("marketing_preference") == MARKETING_OPTED_OUT
    rows = [(labels[f], values.get(f, ""), provenance.get(f)) for f in PROFILE_FIELDS if f in values]
    return render(
        request,
        "portal/home.html",
        {
            "rows": rows,
            "opted_out": opted_out,
            "contact_form": forms.ContactDetailsForm(),
            "masked": not _reauthenticated(request) and any(f in values for f in MASKED_UNTIL_REAUTH),
            "notice": current_policy().notices["portal_profile"],
        },
    )


@portal_required
def reauthenticate(request):
    """Enter the password again (and the authenticator's code, if the customer uses one) to see bank details
    in full for a few minutes."""
    form = forms.ReauthenticateForm(request.POST or None, needs_code=mfa.has_confirmed_totp(request.user))
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        device = (
            mfa.verify_second_factor(user=request.user, token=form.cleaned_data["code"])
            if form.needs_code
            else True
        )
        if user is not None and user.pk == request.user.pk and device is not None:
            privilege_raised(request)
            return redirect(safe_next(request, request.GET.get("next"), "portal:home", under="/portal/"))
        form.add_error(None, "Password or code not accepted.")
    return render(
        request,
        "portal/reauthenticate.html",
        {"form": form, "minutes": settings.CUSTODIAN_REAUTH_SECONDS // 60},
    )


@portal_required
@require_POST
def update_contact(request):
    form = forms.ContactDetailsForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "portal/message.html",
            {"title": "Not saved", "message": form.errors.as_text()},
            status=400,
        )
    values = {k: v.strip() for k, v in form.cleaned_data.items() if v and v.strip()}
    if values:
        personal_data_record(
            customer=Customer(pk=request.customer_id),
            values=values,
            submission=Submission(channel="portal", notice_key="portal_profile"),
        )
    return redirect("portal:home")


@portal_required
@require_POST
def marketing(request):

    marketing_preference_set(
        customer=Customer(pk=request.customer_id),
        opted_out=request.POST.get("choice") == "out",
        submission=Submission(channel="portal", notice_key="portal_profile"),
    )
    return redirect("portal:home")


CHANGE_LABELS = {
    "record_values": "Recorded or corrected your details",
    "consent_given": "Recorded your consent",
    "consent_revoked": "Recorded the revocation of your consent",
    "break_glass_review": "Reviewed an emergency access to your data",
}


def _access_row(policy, e) -> dict:
    return {
        "seq": e.seq,
        "at": e.at,
        "who": ", ".join(policy.services[s].label for s in e.roles.split(",") if s in policy.services)
        or {"system": "An automated job", "vendor": "A vendor"}.get(e.actor_kind, e.actor_kind),
        "purpose": policy.purposes[e.purpose].label
        if e.purpose in policy.purposes
        else CHANGE_LABELS.get(e.action, e.purpose),
        "data": ", ".join(policy.categories[c].label for c in e.category_list if c in policy.categories),
        "decision": "changed" if e.action in CHANGE_LABELS else e.decision,
        "emergency": bool(e.break_glass_id),
    }


@portal_required
def accesses(request):
    """Who has seen my data: staff by support service, purpose and time (names of staff are not shown); each
    entry with a receipt to download and check against the published log."""
    policy = current_policy()
    rows = [
        _access_row(policy, e)
        for e in who_has_seen(customer_id=request.customer_id, fetched_by=portal_actor(request))
    ]
    return render(request, "portal/accesses.html", {"rows": rows})


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


@portal_required
def disclosures(request):
    return render(request, "portal/disclosures.html", {"rows": accounting_summary(request.customer_id)})


@portal_required
def consents(request):
    policy = current_policy()
    terms = policy.disclosure_bases["prior_written_consent"]["terms"]
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        text = (
            f"I consent to {policy.utility['name']} giving {', '.join(d['categories'])} "
            f"to {d['recipient_name']} ({d['recipient_contact']}) for: {d['purpose']}. {terms}"
        )
        try:
            consent_record(
                customer=Customer(pk=request.customer_id),
                recipient_name=d["recipient_name"],
                recipient_contact=d["recipient_contact"],
                categories=d["categories"],
                purpose=d["purpose"],
                covers_from=timezone.localdate().replace(year=timezone.localdate().year - 2),
                covers_until=d["covers_until"],
                signed_at=timezone.now(),
                method="electronic",
                text_shown=text,
                signer_ip=client_ip(request),
            )
        except AccountingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("portal:consents")
    mine = consent_list(fetched_by=portal_actor(request), customer_id=request.customer_id)
    return render(request, "portal/consents.html", {"form": form, "terms": terms, "consents": mine})


@portal_required
@require_POST
def consent_revoke_view(request, consent_id):
    consent = (
        consent_list(fetched_by=portal_actor(request), customer_id=request.customer_id)
        .filter(pk=consent_id)
        .first()
    )
    if consent is not None and not hasattr(consent, "revocation"):
        with contextlib.suppress(AccountingError):  # revoked a moment ago in another tab
            consent_revoke(consent=consent, how="the customer, in the portal")
    return redirect("portal:consents")


@portal_required
def download(request, fmt):
    if fmt not in ("json", "csv"):
        raise Http404
    policy = current_policy()
    fields = [
        c.field
        for c in policy.categories.values()
        if c.key in policy.self_access_categories and c.key != "correspondence"
    ]
    values = _mine(request, fields, purpose="legal_obligations")
    if fmt == "json":
        data = {k: (json.loads(v) if k == "meter_usage" else v) for k, v in values.items()}
        documents = reveal_documents(
            actor=portal_actor(request),
            customer_id=request.customer_id,
            category="correspondence",
            ref_prefix="",
            purpose="legal_obligations",
            client_ip=client_ip(request),
        )
        data["correspondence"] = [
            {
                "ref": d.ref,
                "filename": d.filename,
                "media_type": d.media_type,
                "text": d.text if d.media_type.startswith("text/") else None,
                "bytes": len(d.content),
            }
            for d in documents
        ]

        data["meter_intervals"] = interval_readings_held(
            actor=portal_actor(request),
            customer_id=request.customer_id,
            purpose="legal_obligations",
            client_ip=client_ip(request),
        )
        response = JsonResponse(
            {
                "customer": request.customer_id,
                "data": data,
                "disclosures": [
                    {**r, "first": r["first"].isoformat(), "last": r["last"].isoformat()}
                    for r in accounting_summary(request.customer_id)
                ],
                "accesses": _accesses_with_receipts(request.customer_id),
            },
            json_dumps_params={"indent": 2},
        )
    else:
        out = io.StringIO()
        writer = csv_writer(out)
        writer.writerow(["item", "value"])
        for k, v in values.items():
            writer.writerow([k, v])
        response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    return response


def _accesses_with_receipts(customer_id: int) -> list[dict]:

    policy = current_policy()
    asker = customer_actor(customer_id, "the customer")
    rows = [_access_row(policy, e) for e in who_has_seen(customer_id=customer_id, fetched_by=asker)]
    receipts = receipts_for([r["seq"] for r in rows])
    return [{**r, "at": r["at"].isoformat(), "receipt": receipts.get(r["seq"])} for r in rows]


@portal_required
def new_request(request):
    form = forms.PortalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        req, _ = request_intake(
            intake=Intake(
                kind=form.cleaned_data["kind"],
                channel="portal",
                message=form.cleaned_data["message"],
                customer_id=request.customer_id,
                notice_key="portal_profile",
            )
        )
        return render(
            request,
            "portal/message.html",
            {
                "title": "Received",
                "message": f"Request #{req.pk} received; we will answer by {req.due_on:%B %-d, %Y}.",
            },
        )
    return render(request, "portal/request.html", {"form": form})


@portal_required
def sent_messages(request):
    """Letters and messages we sent you: every e-mail and letter on the outbox's record, with its text."""

    sent = sent_to_customer(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        client_ip=client_ip(request),
    )
    return render(request, "portal/messages.html", {"sent": sent})


@portal_required
def erasure(request):
    """Delete my data: first the honest answer (what we must keep and why, what we delete now), then, when
    the customer confirms they understand, the deletion; the answer also goes out by letter."""

    answer = erasure_answer(customer_id=request.customer_id)
    if request.method != "POST":
        return render(request, "portal/erasure.html", {"answer": answer})
    if request.POST.get("understood") != "on":
        return render(
            request,
            "portal/erasure.html",
            {"answer": answer, "error": "Tick the box to say you have read what we keep and what we delete."},
            status=400,
        )
    erasure_carry_out(customer=Customer.objects.get(pk=request.customer_id), requested_via="portal")
    logout(request)
    return render(request, "portal/erasure_done.html", {"answer": answer})


@portal_required
def sent_letter_pdf(request, message_id):
    """A letter as it was printed and posted."""

    body = printed_letter(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        message_id=message_id,
        client_ip=client_ip(request),
    )
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{message_id}.pdf"'
    return response


def code(request):
    """The second step of sign-in for customers who turned on an authenticator app."""
    if not request.user.is_authenticated or not hasattr(request.user, "portal_account"):
        return redirect("portal:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify_second_factor(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            second_factor_passed(request, device)
            return redirect("portal:home")
        form.add_error("code", "That code is not valid. Codes change every 30 seconds; try the current one.")
    return render(request, "portal/code.html", {"form": form})


@portal_required
def security(request):
    """Optional: protect the account with an authenticator app as well as the password."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrolment_confirm(user=request.user, token=form.cleaned_data["code"])
        if codes is not None:
            second_factor_passed(request, mfa.confirmed_totp(request.user))
            return render(request, "staff/recovery_codes.html", {"codes": codes, "after_enrolment": True})
        form.add_error("code", "That code does not match; scan the QR code again and enter the current code.")
    enabled = mfa.has_confirmed_totp(request.user)
    device = (
        None
        if enabled
        else (
            mfa.totp_enrolment_pending(user=request.user)
            if request.method == "POST"
            else mfa.totp_enrolment_start(user=request.user)
        )
    )
    return render(
        request,
        "portal/security.html",
        {
            "enabled": enabled,
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5) if device else None,
            "secret": mfa.totp_secret_b32(device) if device else "",
        },
    )


@portal_required
def usage(request, period_form=None, status=200):
    """My electricity use: the last 30 days day by day, my average day, and Green Button downloads."""

    report = my_usage(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        client_ip=client_ip(request),
    )
    return render(
        request, "portal/usage.html", {"report": report, "form": period_form or PeriodForm()}, status=status
    )


@portal_required
def green_button(request, fmt):
    """Download My Data: the customer's usage as a Green Button file (ESPI XML or CSV) for a period."""

    if fmt not in ("xml", "csv"):
        raise Http404
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return usage(request, period_form=form, status=400)
    start, end = form.period() if request.GET else (None, None)
    points = usage_points_for(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        purpose="providing_services",
        start=start,
        end=end,
        client_ip=client_ip(request),
    )
    if fmt == "xml":
        body = espi_feed(
            subject=str(request.customer_id), base_url=request.build_absolute_uri("/"), usage_points=points
        )
        response = HttpResponse(body, content_type="application/atom+xml")
    else:
        response = HttpResponse(green_button_csv(points), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="green-button.{fmt}"'
    return response


@portal_required
def comparison(request):
    """How my electricity compares with similar homes nearby (Opower-style), with one tip."""

    report = my_comparison(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        client_ip=client_ip(request),
    )
    return render(request, "portal/comparison.html", {"report": report})


@portal_required
def comparison_pdf(request):
    """The same comparison as the letter we mail, as a PDF."""

    actor = portal_actor(request)
    report = my_comparison(actor=actor, customer_id=request.customer_id, client_ip=client_ip(request))
    if report is None:
        raise Http404
    values = reveal(
        actor=actor,
        customer_id=request.customer_id,
        fields=["name", "mailing_address"],
        purpose="providing_services",
        client_ip=client_ip(request),
    )
    body = report_pdf(
        utility=current_policy().utility,
        name=values.get("name", ""),
        mailing_address=values.get("mailing_address", ""),
        report=report,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="home-energy-report.pdf"'
    return response


def account_rate_limited(account_number: str) -> bool:
    """Five enrolment attempts per account number a day, from anywhere."""

    return over_limit(
        scope="enrol-account",
        subject=normalize("account_number", account_number),
        limit=5,
        window_seconds=24 * 3600,
    )
