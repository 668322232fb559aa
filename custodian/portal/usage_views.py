"""The customer's usage in the portal: the usage page, Green Button downloads and the neighbour comparison
(HTML and PDF)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from custodian.billing.estimate import customer_interval_costs
from custodian.billing.usage_summary import usage_points_with_bills
from custodian.bounds import takes_a_file
from custodian.csvfile import CSV_CONTENT_TYPE
from custodian.netaddr import client_ip
from custodian.policy.loader import current_policy
from custodian.portal.access import portal_actor, portal_required
from custodian.routing import page
from custodian.usage.forms import PeriodForm, UsageDayForm, UsageUploadForm
from custodian.usage.greenbutton_export import espi_feed, green_button_csv
from custodian.usage.intervals import parse_green_button, upload_bounds, usage_upload_by_customer
from custodian.usage.report_pdf import report_pdf
from custodian.usage.services import (
    green_button_file_name,
    my_comparison,
    my_usage,
    usage_points_for,
    year_against_last_year,
)
from custodian.usage.upload_terms import upload_terms
from custodian.vault.gate import reveal


@page("me/usage/", name="usage")
@portal_required
def usage(request, period_form=None, status=200):
    """My electricity, gas and water use: the last 30 days day by day and my average day (or the 30 days up to
    a day I choose, and that day hour by hour), this year against last year, and Green Button downloads.
    Each view is one read of my usage through the gate."""

    actor, ip = portal_actor(request), client_ip(request)
    day_form = UsageDayForm(request.GET) if "on" in request.GET else UsageDayForm()
    context = {"form": period_form or PeriodForm(), "day_form": day_form, "view": "days"}
    if request.GET.get("view") == "year":
        context.update(
            view="year",
            year=year_against_last_year(actor=actor, customer_id=request.customer_id, client_ip=ip),
        )
    else:
        on = day_form.cleaned_data["on"] if day_form.is_bound and day_form.is_valid() else None
        if day_form.is_bound and on is None:
            status = 400
        context["report"] = my_usage(actor=actor, customer_id=request.customer_id, client_ip=ip, on=on)
    return render(request, "portal/usage.html", context, status=status)


@page("me/green-button.<str:fmt>", name="green_button")
@portal_required
def green_button(request, fmt):
    """Download My Data: the customer's usage as a Green Button file (ESPI XML or CSV) for a period."""

    if fmt not in ("xml", "csv"):
        raise Http404
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return usage(request, period_form=form, status=400)
    start, end = form.period() if request.GET else (None, None)
    # The ESPI file carries the bills' summaries too (function blocks 15 and 16); the CSV layout has none.
    read = usage_points_with_bills if fmt == "xml" else usage_points_for
    points = read(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        purpose="providing_services",
        start=start,
        end=end,
        client_ip=client_ip(request),
        units=form.units_chosen(),
    )
    if fmt == "xml":
        body = espi_feed(
            subject=str(request.customer_id), base_url=request.build_absolute_uri("/"), usage_points=points
        )
        response = HttpResponse(body, content_type="application/atom+xml")
    else:
        costs = customer_interval_costs(fetched_by=portal_actor(request), customer_id=request.customer_id)
        response = HttpResponse(green_button_csv(points, costs=costs), content_type=CSV_CONTENT_TYPE)
    name = green_button_file_name(fmt=fmt, start=start, end=end)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@page("me/usage/upload/", name="usage_upload")
@takes_a_file
@portal_required
def usage_upload(request):
    """Upload my own Green Button file (from another utility, an earlier meter, an energy app): read like a
    staff import, every problem listed with its line, the readings marked "customer upload". The page says
    what a file may hold, from the bounds the upload is held to (`upload_terms`)."""

    form = UsageUploadForm(request.POST or None, request.FILES or None)
    summary = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            upload = form.cleaned_data["file"]
            bounds = upload_bounds(fetched_by=portal_actor(request), customer_id=request.customer_id)
            summary = usage_upload_by_customer(
                customer_id=request.customer_id,
                result=parse_green_button(upload, bounds=bounds),
                size=upload.size,
                actor=portal_actor(request),
                client_ip=client_ip(request),
            )
            status = 400 if summary.refused else 422 if summary.readings_refused else 200
    return render(
        request,
        "portal/usage_upload.html",
        {
            "form": form,
            "summary": summary,
            "problems": summary.problems[:200] if summary else [],
            "notice": current_policy().notices["metering"],
            "terms": upload_terms(fetched_by=portal_actor(request), customer_id=request.customer_id),
        },
        status=status,
    )


@page("me/comparison/", name="comparison")
@portal_required
def comparison(request):
    """How my electricity compares with similar homes nearby (Opower-style): the scale, the cost, the tips."""

    report = my_comparison(
        actor=portal_actor(request),
        customer_id=request.customer_id,
        client_ip=client_ip(request),
    )
    # The threshold the page states is the policy file's, as the comparison that applies it.
    aggregation = current_policy().aggregation
    return render(request, "portal/comparison.html", {"report": report, "aggregation": aggregation})


@page("me/comparison.pdf", name="comparison_pdf")
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
