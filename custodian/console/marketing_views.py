"""Marketing audiences: who may be mailed, built from the policy's marketing purpose (opt-outs left out)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from custodian.console import access, forms
from custodian.console.access import (
    console_actor,
    console_page,
)
from custodian.console.marketing import AudienceFilter, audience_build, audience_count
from custodian.csvfile import CSV_CONTENT_TYPE, csv_writer
from custodian.netaddr import client_ip
from custodian.routing import page
from custodian.vault import gate
from custodian.web.confirmation import confirmation_page, confirmed


@page("marketing/", name="marketing")
@console_page(access.acts_for("marketing"), _("Only marketing builds audiences."))
def marketing(request):
    actor = console_actor(request)
    form = forms.AudienceForm(request.POST or request.GET or None)
    counts = None
    if form.is_bound and form.is_valid():
        f = AudienceFilter(**form.cleaned_data)
        if request.method == "POST" and not confirmed(request):
            return _download_confirmation(request, form, audience_count(f))
        if request.method == "POST":
            try:
                rows = audience_build(actor=actor, f=f, client_ip=client_ip(request))
            except gate.Held as exc:
                messages.error(
                    request,
                    gettext("This download is %(held)s (the privacy officer decides). Nothing was read.")
                    % {"held": gate.held_in_words(exc)},
                )
                context = {"form": form, "counts": audience_count(f)}
                return render(request, "console/marketing.html", context, status=403)
            response = HttpResponse(content_type=CSV_CONTENT_TYPE)
            response["Content-Disposition"] = 'attachment; filename="audience.csv"'
            writer = csv_writer(response)
            writer.writerow(["customer_id", "name", "email", "mailing_address"])
            for r in rows:
                writer.writerow(
                    [r["customer_id"], r.get("name", ""), r.get("email", ""), r.get("mailing_address", "")]
                )
            return response
        counts = audience_count(f)
    # A filter or form it can't take (a class that is none of the choices) is answered 400 with its errors.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "console/marketing.html", {"form": form, "counts": counts}, status=status)


def _download_confirmation(request, form, counts):
    """What the download holds before it is made: contact details of every customer in the audience, each
    read logged under marketing, in a file that can't be called back once it is saved."""
    may, opted_out, uncovered = counts
    chosen = [
        (str(form[name].label), str(dict(getattr(form.fields[name], "choices", ())).get(value, value)))
        for name, value in form.cleaned_data.items()
        if value
    ]
    return confirmation_page(
        request,
        title="Download the marketing audience",
        heading=f"Download the contact details of {may} customers?",
        lead="The file holds each customer's name, e-mail and mailing address; every customer in it is "
        "logged as read for marketing. Keep it only as long as the mailing needs it.",
        summary=[
            ("Chosen", "; ".join(f"{label}: {value}" for label, value in chosen) or "every customer"),
            ("Customers in the file", str(may)),
            ("Left out: opted out of marketing", str(opted_out)),
            ("Left out: details given under a notice that did not name marketing", str(uncovered)),
        ],
        confirm_label="Download the audience (CSV)",
        cancel_url=reverse("console:marketing"),
    )
