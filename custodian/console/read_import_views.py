"""The console's import of a file of register reads (field services and customer service: the support
services that provide services with meter usage). The file is checked row by row and stored whole or not at
all; the page lists every problem with its row and column, or what was stored."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.billing.read_import import (
    MAX_BYTES,
    OPTIONAL,
    REQUIRED,
    ImportFileError,
    register_reads_import,
)
from custodian.billing.register_reads import ReadError
from custodian.console.access import acts_for, console_page
from custodian.customers.services import METERING_NOTICE
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.routing import page

provides_service = acts_for("providing_services")
READERS_ONLY = _("Only staff whose support service provides services with meter usage import meter reads.")
SHOWN = 200  # problems listed on the page; the count says how many there are


class ReadFileForm(forms.Form):
    file = bounds.FileField(
        label="The file of reads (CSV)",
        max_bytes=MAX_BYTES,
        too_large=f"The file is larger than {MAX_BYTES // 1_000_000} MB: split it.",
    )


@page("accounts/reads/import/", name="reads_import")
@bounds.takes_a_file
@console_page(provides_service, READERS_ONLY)
def reads_import(request):
    form = ReadFileForm(request.POST or None, request.FILES or None)
    report, error, status = None, "", 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = register_reads_import(
                    data=upload.read(), file_name=upload.name, by=request.user, client_ip=client_ip(request)
                )
            except (ImportFileError, ReadError) as exc:
                error = f"Nothing stored: {exc}."
        status = 200 if report is not None and report.ok else 400
    return render(
        request,
        "console/reads_import.html",
        {
            "form": form,
            "report": report,
            "problems": report.problems[:SHOWN] if report else [],
            "error": error,
            "required": REQUIRED,
            "optional": OPTIONAL,
            "notice": current_policy().notices[METERING_NOTICE],
        },
        status=status,
    )
