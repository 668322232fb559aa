"""The privacy officer's disclosure desk: vendors and their determinations, exports, consents, legal
authority, disclosures to third parties and the record of every request granted or refused.

One module (over 400 lines) on purpose: every way data leaves the utility is on one desk, with the
confirmation each asks first, so the pages that send data out are read and reviewed together."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from custodian import bounds
from custodian.console.access import console_actor, looked_up, not_found, privacy_officer_only
from custodian.console.steps import back_to, page_again, step_form, steps_on
from custodian.customers.selectors import customer_for
from custodian.dates import day_words
from custodian.disclosures.choices import LEGAL_AUTHORITY_KINDS
from custodian.disclosures.exports import (
    LETTER_MAILING,
    MAILING,
    REPORT_MAILING,
    ExportRefused,
    NothingToSend,
    export_counted,
    export_dir,
    export_offer,
    export_offered,
    own_export_of,
    vendor_export_run,
)
from custodian.disclosures.selectors import (
    consent_for,
    disclosure_desk,
    earlier_disclosures,
    export_done_for,
    vendor_for,
)
from custodian.disclosures.services import (
    AccountingError,
    DisclosureRefused,
    consent_record,
    consent_revoke,
    current_determination,
    disclose,
    disclosure_check,
    legal_authority_record,
    statute_releases,
    vendor_determine,
    vendor_register,
)
from custodian.netaddr import client_ip
from custodian.outbox.services import letters_mail
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.staff.selectors import staff_users
from custodian.usage.reports import RunRefused, report_run_request
from custodian.web.confirmation import confirmation_page, confirmed
from custodian.web.forms import errors_in_words
from custodian.web.once import OnceForm, already, once, spent

# Each page of the privacy office refused to others with words saying what it does.
_disclosure_desk = privacy_officer_only(_("Only the privacy officer records disclosures."))
_vendor_exports = privacy_officer_only(_("Only the privacy officer sends exports to vendors."))
_vendor_desk = privacy_officer_only(
    _("Only the privacy officer registers vendors and records their determinations.")
)
_consent_desk = privacy_officer_only(_("Only the privacy officer records and revokes written consents."))
_authority_desk = privacy_officer_only(
    _("Only the privacy officer records legal authority for a disclosure.")
)


def _category_choices():
    return [(k, c.label) for k, c in current_policy().categories.items() if k != "correspondence"]


class VendorForm(OnceForm):
    records = "disclosures.Vendor"
    name = bounds.ShownTextField(max_length=200)
    function = forms.ChoiceField(
        choices=lambda: [(k, f.label) for k, f in current_policy().vendor_functions.items()]
    )
    contact = bounds.ShownTextField(max_length=300)
    contract_start = bounds.DateField()
    contract_end = bounds.DateField()
    public_key = forms.CharField(label="Vendor's public key (X25519, base64)", max_length=64)


class DeterminationForm(OnceForm):
    records = "disclosures.VendorDetermination"
    rationale = forms.CharField(
        label="Why the vendor's use directly advances the general welfare, health or safety",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_by = bounds.DateField()


class ConsentForm(OnceForm):
    records = "disclosures.Consent"
    customer_id = bounds.IdField(label="Customer number", min_value=1)
    recipient_name = bounds.ShownTextField(max_length=200)
    recipient_contact = bounds.ShownTextField(max_length=300)
    categories = forms.MultipleChoiceField(choices=_category_choices, widget=forms.CheckboxSelectMultiple)
    purpose = bounds.ShownTextField(label="Purpose, as the consent states it", max_length=200)
    covers_from = bounds.DateField(label="Data from")
    covers_until = bounds.DateField(label="Until (empty: until revoked)", required=False)
    expires_on = bounds.DateField(required=False)
    allows_sale = forms.BooleanField(label="The consent names sale explicitly", required=False)
    signed_on = bounds.DateField()
    scan = bounds.FileField(label="Scan of the signed form")

    def clean_signed_on(self):
        # Said by the field; the consent service refuses it too, whoever records a consent.
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError("It is after today: a consent is recorded once it is signed.")
        return signed_on


class AuthorityForm(OnceForm):
    records = "disclosures.LegalAuthority"
    kind = forms.ChoiceField(choices=LEGAL_AUTHORITY_KINDS)
    citation = bounds.ShownTextField(max_length=300)
    statute_release = forms.ChoiceField(
        required=False,
        choices=lambda: [("", "—"), *statute_releases()],
    )
    is_law_enforcement = forms.BooleanField(required=False)
    requester = bounds.ShownTextField(max_length=200)
    requester_address = bounds.ShownTextField(max_length=300, required=False)
    customer_ids = bounds.IdListField(label="Customer numbers (comma-separated)")
    categories = forms.MultipleChoiceField(choices=_category_choices, widget=forms.CheckboxSelectMultiple)
    valid_until = bounds.DateField()
    second_approver = forms.CharField(
        label="Second approver's user name (from the privacy office or legal, not you: they approve it "
        "themselves before it covers a disclosure)",
        max_length=150,
    )
    document = bounds.FileField()


class DiscloseForm(OnceForm):
    # The package is downloaded, no page: a copy sent again (a double click on "Disclose and download") is
    # taken to the desk, told the disclosure's number (its package's file name), and discloses nothing more.
    records = "disclosures.DisclosureRequest"
    again_page = "console:disclosures"
    basis_kind = forms.ChoiceField(
        choices=[("consent", "Prior written consent"), ("legal_authority", "Legal authority")]
    )
    basis_id = bounds.IdField(label="Consent or authority number", min_value=1)
    customer_ids = bounds.IdListField(label="Customer numbers (comma-separated)")
    recipient_name = bounds.ShownTextField(max_length=200)
    recipient_address = bounds.ShownTextField(max_length=300, required=False)
    categories = forms.MultipleChoiceField(choices=_category_choices, widget=forms.CheckboxSelectMultiple)
    purpose = bounds.ShownTextField(max_length=200)
    is_sale = forms.BooleanField(label="This is a sale, or for payment", required=False)


@page("privacy/disclosures/", name="disclosures")
@_disclosure_desk
def desk(request):
    shown = disclosure_desk(fetched_by=console_actor(request))
    review_by = timezone.localdate() + timedelta(days=365)
    return render(
        request,
        "console/disclosures.html",
        {
            **shown,
            # Each vendor with its own determination form: the one sent comes back with what was typed; and
            # its determinations waiting for a second person, which export nothing until approved.
            "vendors": [
                (
                    v,
                    d,
                    shown["waiting"].get(v.pk, []),
                    step_form(
                        request,
                        DeterminationForm,
                        "console:determination",
                        v.pk,
                        initial={"review_by": review_by},
                        auto_id=f"vendor-{v.pk}-%s",
                    ),
                    # A function sent by its own run (the bank's debits) has no export button here; the
                    # letter-mailing vendor's button mails the queued letters.
                    None if v.function == LETTER_MAILING else own_export_of(v.function),
                    # The export button only where an export goes, the marketing box only where a
                    # marketing mailing may.
                    export_offer(v.function),
                )
                for v, d in shown["vendors"]
            ],
            "vendor_form": step_form(request, VendorForm, "console:vendor_add"),
            "consent_form": step_form(request, ConsentForm, "console:consent_add"),
            "authority_form": step_form(request, AuthorityForm, "console:authority_add"),
            "disclose_form": step_form(request, DiscloseForm, "console:disclose"),
        },
    )


def _done(request, ok: bool, message: str):
    return back_to(request, ok, message, "console:disclosures")


# A step of the disclosures page; the accounting's refusal is shown in its own words.
_disclosures_step = steps_on("console:disclosures", rule=_disclosure_desk, refused=AccountingError)


@page("privacy/disclosures/vendors/", name="vendor_add")
@_disclosures_step(VendorForm, rule=_vendor_desk, failed="Vendor not registered")
def vendor_add(request, d):
    vendor = vendor_register(registered_by=request.user, **d)
    return f"Vendor {vendor.name} registered; record a determination before any export."


@page("privacy/disclosures/vendors/<id:vendor_id>/determination/", name="determination")
@_disclosures_step(
    DeterminationForm,
    rule=_vendor_desk,
    found=looked_up(vendor_for, "vendor_id"),
    failed="Determination not recorded",
)
def vendor_determination(request, vendor, d):
    determination = vendor_determine(vendor=vendor, decided_by=request.user, **d)
    return (
        f"Determination {determination.pk} recorded for {vendor.name}: it waits for a second person from the "
        "privacy office or legal, independent of you, to approve it; until then nothing is exported under it."
    )


@page("privacy/disclosures/vendors/<id:vendor_id>/export/", name="vendor_export")
@_vendor_exports
@require_POST
@looked_up(vendor_for, "vendor_id")
def vendor_export(request, vendor):
    # What the desk does not offer is refused before it is confirmed (a form sent by hand): the service
    # refuses it again.
    try:
        export_offered(vendor.function, for_marketing=request.POST.get("for_marketing") == "on")
    except ExportRefused as exc:
        return _done(request, False, f"Export refused: {exc}")
    if not confirmed(request):
        return _export_confirmation(request, vendor)
    if vendor.function == REPORT_MAILING and current_determination(vendor) is not None:
        # Thousands of letters take minutes: they go through a background report run, with its progress.

        try:
            run = report_run_request(requested_by=request.user, mail_vendor=vendor)
        except RunRefused as exc:
            return _done(request, False, f"Export not started: {exc}.")
        messages.success(
            request, f"Report run {run.pk} queued: it computes the reports and mails the letters."
        )
        return redirect("console:reports")
    if vendor.function == LETTER_MAILING:
        try:
            report = letters_mail(vendor=vendor, requested_by=request.user)
        except ExportRefused as exc:
            return _done(request, False, f"Letters not mailed: {exc}")
        if report.export_id is None:
            return _done(request, True, "No letters are waiting to be mailed.")
        missing = len(report.not_addressed)
        unaddressed = f"; {missing} without a mailing address" if missing else ""
        letters = ngettext("%(n)d letter", "%(n)d letters", report.mailed) % {"n": report.mailed}
        done = f"Export {report.export_id}: {letters} to {vendor.name}{unaddressed}."
        return _done(request, True, done)
    try:
        export = vendor_export_run(
            vendor=vendor,
            requested_by=request.user,
            for_marketing=request.POST.get("for_marketing") == "on",
            mailing=request.POST.get("mailing", "")[:300],
            customer_ids=_customers_named(request.POST.get("customers", "")),
        )
    except NothingToSend as exc:
        return _done(request, True, exc.told(file_too=False))
    except ExportRefused as exc:
        return _done(request, False, f"Export refused: {exc}")
    return _done(
        request, True, f"Export {export.pk} done: {export_counted(export)}, encrypted to {vendor.name}."
    )


def _customers_named(text: str) -> list[int] | None:
    """The customers a mailing is for, by internal number ("12, 40 41"); None when none are named."""
    parts = text.replace(",", " ").split()
    if not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise ExportRefused("customers: write the customers' numbers, separated by commas (such as 12, 40)")
    return [int(p) for p in parts] or None


def _export_confirmation(request, vendor):
    """What an export sends, and to whom, before it runs: the data leaves for a vendor, never to return."""
    policy = current_policy()
    function = policy.vendor_functions.get(vendor.function)
    labels = dict(_category_choices())
    marketing = request.POST.get("for_marketing") == "on"
    determination = current_determination(vendor)
    return confirmation_page(
        request,
        title=f"Export to {vendor.name}",
        heading=f"Send {vendor.name} its export?",
        lead="The file is encrypted to the vendor's key and every customer in it is accounted for: it "
        "can't be recalled once it is written.",
        summary=[
            ("Vendor", vendor.name),
            ("Function", function.label if function else vendor.function),
            (
                "Data in the file",
                ", ".join(labels.get(c, c) for c in sorted(function.categories)) if function else "",
            ),
            *(
                [("Marketing mailing", "Yes: customers who opted out are left out" if marketing else "No")]
                if export_offer(vendor.function).marketing
                else []
            ),
            *(
                [
                    (
                        "What is mailed",
                        request.POST.get("mailing", "")[:300] or "not named: the export is refused",
                    ),
                    (
                        "Mailed to",
                        request.POST.get("customers", "")[:300] or "nobody named: the export is refused",
                    ),
                ]
                if vendor.function == MAILING and not marketing
                else []
            ),
            (
                "Determination",
                f"current, to be reviewed by {determination.review_by:%B %-d, %Y}"
                if determination is not None
                else "none current: the export will be refused",
            ),
        ],
        confirm_label="Run the export",
        cancel_url=reverse("console:disclosures"),
        danger=True,
    )


@page("privacy/disclosures/exports/<id:export_id>/<str:part>/", name="export_file")
@_vendor_exports
def export_file(request, export_id, part):
    export = export_done_for(fetched_by=console_actor(request), export_id=export_id)
    if export is None or part not in ("file", "manifest"):
        return not_found(request)
    name = export.file_name if part == "file" else f"{export.file_name}.manifest.json"
    return FileResponse(open(export_dir() / name, "rb"), as_attachment=True, filename=name)  # noqa: SIM115


@page("privacy/disclosures/consents/", name="consent_add")
@_disclosures_step(ConsentForm, rule=_consent_desk, failed="Consent not recorded")
def consent_add(request, d):
    customer = customer_for(fetched_by=console_actor(request), customer_id=d["customer_id"])
    if customer is None:
        raise AccountingError("No such customer.")
    consent = consent_record(
        customer=customer,
        recipient_name=d["recipient_name"],
        recipient_contact=d["recipient_contact"],
        categories=d["categories"],
        purpose=d["purpose"],
        covers_from=d["covers_from"],
        covers_until=d["covers_until"],
        expires_on=d["expires_on"],
        allows_sale=d["allows_sale"],
        signed_at=datetime.combine(d["signed_on"], time(12), timezone.get_current_timezone()),
        method="paper",
        verified_by=request.user,
        scan=d["scan"].read(),
        scan_name=d["scan"].name,
    )
    return f"Consent {consent.pk} recorded."


@page("privacy/disclosures/consents/<id:consent_id>/revoke/", name="consent_revoke")
@_disclosures_step(rule=_consent_desk, found=looked_up(consent_for, "consent_id"))
def consent_revoke_view(request, consent, d):
    how = request.POST.get("how", "recorded by the privacy officer")[:100]
    consent_revoke(consent=consent, how=how, recorded_by=request.user)
    return f"Consent {consent.pk} revoked; no later disclosure can rely on it."


@page("privacy/disclosures/authorities/", name="authority_add")
@_disclosures_step(AuthorityForm, rule=_authority_desk, failed="Legal authority not recorded")
def authority_add(request, d):
    second = staff_users().filter(username=d["second_approver"], is_active=True).first()
    if second is None:
        raise AccountingError("No such second approver.")
    document = d["document"]
    authority = legal_authority_record(
        # The authority as the form took it, but the second approver as a member of staff and the document as
        # its content.
        **{**d, "second_approver": second, "document": document.read()},
        document_name=document.name,
        approved_by=request.user,
    )
    recorded = " as a law enforcement request" if authority.is_law_enforcement else ""
    return (
        f"Legal authority {authority.pk} recorded{recorded}: it covers no disclosure "
        f"until {authority.second_approver.get_username()} approves it, signed in as themselves. "
        "They are told by e-mail."
    )


def _sent_before(earlier: dict, customer_ids) -> str:
    """What already went of the data asked for, in words: "the same data" only when it went to this recipient
    for every customer asked, else which of them already had it and which did not."""
    if not earlier:
        return ""
    entry = max(earlier.values(), key=lambda e: e.disclosed_at)
    days = sorted({day_words(e.disclosed_at) for e in earlier.values()})
    when = f"on {' and '.join(days)}"
    missing = [c for c in customer_ids if int(c) not in earlier]
    if not missing:
        return f"The same data went to {entry.recipient_name} for this purpose {when}."
    had = ", ".join(str(c) for c in customer_ids if int(c) in earlier)
    return (
        f"Of these customers, only {had} already had the same data: it went to {entry.recipient_name} for "
        f"this purpose {when}; {', '.join(str(c) for c in missing)} did not."
    )


@page("privacy/disclosures/disclose/", name="disclose")
@_disclosure_desk
@require_POST
def disclose_view(request):
    form = DiscloseForm(request.POST)
    if not form.is_valid():
        return page_again(request, f"Nothing disclosed: {errors_in_words(form)}", form, "console:disclosures")
    sent = spent(form)
    if sent is not None:  # disclosed already: nothing is checked, compared or read again for this copy
        return already(request, sent)
    d = form.cleaned_data
    # The basis is checked before anything is asked or compared: a disclosure it does not allow is refused
    # first, never offered to confirm.
    try:
        disclosure_check(requested_by=request.user, client_ip=client_ip(request), **d)
    except (DisclosureRefused, AccountingError) as exc:
        return page_again(request, f"Refused: {exc}", form, "console:disclosures")
    earlier = earlier_disclosures(
        fetched_by=console_actor(request),
        customer_ids=d["customer_ids"],
        recipient_name=d["recipient_name"],
        purpose=d["purpose"],
        categories=d["categories"],
        basis_kind=d["basis_kind"],
    )
    sent = _sent_before(earlier, d["customer_ids"])
    again = request.POST.get("as_new") == "1"
    if not confirmed(request):
        labels = dict(_category_choices())
        return confirmation_page(
            request,
            title="Confirm the disclosure",
            heading=f"Disclose to {d['recipient_name']}?",
            lead="The package downloads once confirmed; each customer's accounting of disclosures shows it.",
            summary=[
                ("Recipient", ", ".join(filter(None, [d["recipient_name"], d["recipient_address"]]))),
                ("Customers", ", ".join(str(c) for c in d["customer_ids"])),
                ("Data", ", ".join(labels.get(c, c) for c in d["categories"])),
                ("Purpose", d["purpose"]),
                ("Basis", f"{dict(form.fields['basis_kind'].choices)[d['basis_kind']]} no. {d['basis_id']}"),
            ],
            warning=(
                f"{sent} Confirm only if this is a new disclosure: it will be accounted for again."
                if earlier
                else ""
            ),
            confirm_label="Disclose again, as a new disclosure" if earlier else "Disclose and download",
            cancel_url=reverse("console:disclosures"),
            extra={"as_new": "1"} if earlier else None,
        )
    if earlier and not again:
        return page_again(
            request,
            f"Nothing disclosed: {sent} To send it again, confirm it as a new disclosure.",
            form,
            "console:disclosures",
        )

    def disclosed():
        try:
            result = disclose(requested_by=request.user, client_ip=client_ip(request), **d)
        except (DisclosureRefused, AccountingError) as exc:
            return page_again(request, f"Refused: {exc}", form, "console:disclosures")
        response = HttpResponse(result.package, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="disclosure-{result.request.pk}.json"'
        return response

    return once(request, form, disclosed)
