"""The web team's dashboard: page views and unique visitors per day, top pages, entry pages, campaigns,
browsers, operating systems, devices and referring domains, as server-rendered SVG bars (no script), a date
range and a CSV export. Nothing in it identifies anyone: it reads only custodian.analytics, which holds
nothing personal."""

from datetime import timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian import bounds
from custodian.analytics.selectors import dashboard
from custodian.analytics.visitors import CAMPAIGN_FIELDS
from custodian.console.access import acts_for, console_page
from custodian.csvfile import CSV_CONTENT_TYPE, csv_writer
from custodian.routing import page


class RangeForm(forms.Form):
    since = bounds.DateField(label="From")
    until = bounds.DateField(label="Until")
    bots = forms.BooleanField(label="Include bots", required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date is after the end date.")
        if data.get("since") and data.get("until") and (data["until"] - data["since"]).days > 400:
            raise forms.ValidationError("Choose at most 400 days.")
        return data


# The CSV's ranked sections and the field each names (entry pages count visits, the others views).
_CSV_SECTIONS = {
    "pages": "path",
    "entry_pages": "path",
    "browsers": "browser",
    "os": "os",
    "devices": "device",
    "referrers": "referrer_host",
}


def _bars(rows, label_key, width=420):
    top = max((r["n"] for r in rows), default=0) or 1
    return [{"label": r[label_key] or "—", "n": r["n"], "w": round(width * r["n"] / top)} for r in rows]


@page("web/", name="web_stats")
@console_page(acts_for("enhancing_website"), _("Only the web team reads the website statistics."))
def web_dashboard(request):
    today = timezone.localdate()
    form = RangeForm(request.GET or {"since": today - timedelta(days=29), "until": today})
    if not form.is_valid():
        return render(request, "console/web_dashboard.html", {"form": form, "data": None}, status=400)
    d = form.cleaned_data
    data = dashboard(since=d["since"], until=d["until"], include_bots=d["bots"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="pageviews-{d["since"]}-{d["until"]}.csv"'
        writer = csv_writer(response)
        writer.writerow(["section", "item", "views"])
        for day, n in data["per_day"]:
            writer.writerow(["day", day.isoformat(), n])
        for day, n in data["visitors_per_day"]:
            writer.writerow(["visitors", day.isoformat(), n])
        for section, key in _CSV_SECTIONS.items():
            for r in data[section]:
                writer.writerow([section, r[key], r["n"]])
        for c in data["campaigns"]:
            tags = " / ".join(c[f] or "-" for f in CAMPAIGN_FIELDS)
            writer.writerow(["campaign", tags, c["n"]])
        return response
    return render(
        request,
        "console/web_dashboard.html",
        {
            "form": form,
            "data": data,
            "day_bars": [{"day": day, "n": n} for day, n in data["per_day"]],
            "visitor_bars": [{"day": day, "n": n} for day, n in data["visitors_per_day"]],
            "pages": _bars(data["pages"], "path"),
            "entry_pages": _bars(data["entry_pages"], "path"),
            "browsers": _bars(data["browsers"], "browser"),
            "oses": _bars(data["os"], "os"),
            "devices": _bars(data["devices"], "device"),
            "referrers": _bars(data["referrers"], "referrer_host"),
            "csv_query": request.GET.urlencode(),
        },
    )
