"""Marketing audiences: who may be mailed, built from the policy's marketing purpose (opt-outs left out)."""

from django.http import HttpResponse
from django.shortcuts import render

from custodian.console import access, forms
from custodian.console.access import (
    console_actor,
    console_page,
)
from custodian.console.marketing import AudienceFilter, audience_build, audience_count
from custodian.csvfile import csv_writer
from custodian.netaddr import client_ip


@console_page(access.acts_for("marketing"), "Only marketing builds audiences.")
def marketing(request):
    actor = console_actor(request)
    form = forms.AudienceForm(request.POST or request.GET or None)
    counts = None
    if form.is_bound and form.is_valid():
        f = AudienceFilter(**form.cleaned_data)
        if request.method == "POST":
            rows = audience_build(actor=actor, f=f, client_ip=client_ip(request))
            response = HttpResponse(content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="audience.csv"'
            writer = csv_writer(response)
            writer.writerow(["customer_id", "name", "email", "mailing_address"])
            for r in rows:
                writer.writerow(
                    [r["customer_id"], r.get("name", ""), r.get("email", ""), r.get("mailing_address", "")]
                )
            return response
        counts = audience_count(f)
    return render(request, "console/marketing.html", {"form": form, "counts": counts})
