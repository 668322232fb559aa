"""Neighbour comparison reports in the console: staff who provide utility services start a bulk run and watch
its progress; the privacy officer (who decides disclosures) may also have the letters mailed through a
report-mailing vendor with a current determination."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from custodian.console.access import console_actor, console_page, runs_reports
from custodian.disclosures.selectors import report_mailing_vendors
from custodian.operations.health import queued_unattended
from custodian.policy.loader import current_policy
from custodian.routing import page
from custodian.usage.reports import RunRefused, may_mail_reports, report_run_list, report_run_request
from custodian.web.confirmation import confirmation_page, confirmed


@page("reports/", name="reports")
@console_page(
    runs_reports, _("Only staff who provide utility services, or the privacy officer, run reports.")
)
def reports(request):
    may_mail = may_mail_reports(request.user)
    vendors = report_mailing_vendors(fetched_by=console_actor(request))
    if request.method == "POST":
        vendor = None
        if request.POST.get("mail_vendor"):
            vendor = next((v for v in vendors if str(v.pk) == request.POST["mail_vendor"]), None)
            if vendor is None or not may_mail:
                messages.error(
                    request,
                    "Letters go only to a report-mailing vendor with a current determination, "
                    "and only the privacy officer sends them.",
                )
                return _reports_page(request, vendors if may_mail else [], status=400)
            if not confirmed(request):
                return _mailing_confirmation(request, vendor)
        try:
            run = report_run_request(requested_by=request.user, mail_vendor=vendor)
        except RunRefused as exc:
            messages.error(request, f"Not started: {exc}.")
        else:
            messages.success(request, f"Run {run.pk} queued.")
        return redirect("console:reports")
    return _reports_page(request, vendors if may_mail else [])


def _reports_page(request, vendors, status=200):
    runs, active = report_run_list(fetched_by=console_actor(request))
    page = {"runs": runs, "active": active, "vendors": vendors}
    page["unattended"] = queued_unattended(runs)
    page["aggregation"] = current_policy().aggregation  # the threshold the page states, as the runs apply it
    return render(request, "console/reports.html", page, status=status)


def _mailing_confirmation(request, vendor):
    """What mailing the letters sends, and to whom, before the run starts: every home's name, mailing
    address and report leave for the vendor, and can't be called back."""
    return confirmation_page(
        request,
        title=f"Mail the letters through {vendor.name}",
        heading=f"Compute the reports and send every home's letter to {vendor.name}?",
        lead="The letters go to the vendor as an encrypted export once the reports are computed; each "
        "customer's accounting of disclosures records it. It can't be recalled once it is sent.",
        summary=[
            ("Vendor", vendor.name),
            ("Data sent", "Each home's name, mailing address and comparison report (a PDF letter)"),
            ("Homes", "Every eligible home whose report may be shown"),
        ],
        confirm_label="Compute and mail",
        cancel_url=reverse("console:reports"),
        danger=True,
    )
