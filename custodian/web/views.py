from django.conf import settings
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from custodian import bounds
from custodian.casework.services import Intake, RequestError, request_intake
from custodian.disclosures.selectors import vendors_in_service
from custodian.incidents.selectors import published_reports
from custodian.netaddr import MASK_PREFIXES
from custodian.policy.loader import current_policy
from custodian.redirects import safe_next
from custodian.routing import page
from custodian.transparency.inventory import data_inventory
from custodian.transparency.report import privacy_report as report_of
from custodian.transparency.selectors import policy_version as archived_version
from custodian.transparency.selectors import policy_versions as archived_versions
from custodian.transparency.services import version_differences
from custodian.web.cookies import AREAS, COOKIES, TEXT_SIZE, TEXT_SIZE_MAX_AGE
from custodian.web.forms import ContactForm
from custodian.web.once import once
from custodian.web.protection import rate_limited, same_origin

TEXT_SIZES = ("normal", "large")


def cookies_shown() -> list[dict]:
    """The cookies registry (`web.cookies`, which imports nothing of Django's) in the page's language: where,
    when and why each is set and how long it lasts, each sentence translated in the catalogue."""
    return [
        {
            "name": c.name,
            "areas": c.areas,
            "where": ", ".join(
                gettext(AREAS[a]) + (f" ({', '.join(c.site_pages)})" if a == "site" and c.site_pages else "")
                for a in c.areas
            ),
            "when": gettext(c.when),
            "why": gettext(c.why),
            "lasts": gettext(c.lasts),
            "optional": c.optional,
        }
        for c in COOKIES
    ]


def privacy_signal(request) -> bool:
    """Global Privacy Control or Do Not Track: the visitor asks us to store nothing optional."""
    return request.META.get("HTTP_SEC_GPC") == "1" or request.META.get("HTTP_DNT") == "1"


def bases_shown(policy, purposes: dict, categories: dict) -> list[dict]:
    """Every basis of disclosure in the policy file, in the page's language: its words and, for a basis that
    names what it gives (Connect My Data), the purpose and categories of each read under it (`reads`: the
    kind of read, "" or `usage_summaries`, the purpose's label and the categories' labels)."""
    shown = []
    for key, basis in policy.disclosure_bases.items():
        reads = [
            ("", basis),
            *([("usage_summaries", basis["usage_summaries"])] if "usage_summaries" in basis else []),
        ]
        shown.append(
            {
                "key": key,
                **basis.in_language(),
                "reads": [
                    (
                        kind,
                        purposes[read["purpose"]].label,
                        "; ".join(categories[c].label for c in read["categories"]),
                    )
                    for kind, read in reads
                    if "purpose" in read
                ],
            }
        )
    return shown


@page("", name="home")
def home(request):
    return render(request, "web/home.html")


@page("services/", name="services")
def services(request):
    return render(request, "web/services.html")


@page("privacy/", name="privacy")
def privacy_policy(request):
    policy = current_policy()
    # The policy file's entries in the page's language (its adopted text, above them, stays in English).
    purposes = {k: p.in_language() for k, p in policy.purposes.items()}
    services = {k: s.in_language() for k, s in policy.services.items()}
    functions = {k: f.in_language() for k, f in policy.vendor_functions.items()}
    vendors = [(v, functions[v.function], d) for v, d in vendors_in_service()]
    categories = {k: c.in_language() for k, c in policy.categories.items()}
    return render(
        request,
        "web/privacy.html",
        {
            "policy": policy,
            "paragraphs": [p.strip() for p in policy.published_text.split("\n\n") if p.strip()],
            "purposes": purposes.values(),
            "categories": categories.values(),
            "services": services.values(),
            "emergency": [
                (services[s], [purposes[p] for p in sorted(keys)])
                for s, keys in policy.emergency_access.items()
                if keys
            ],
            "emergency_minutes": settings.CUSTODIAN_BREAK_GLASS_MINUTES,
            "vendor_functions": functions.values(),
            "vendors": vendors,
            "bases": bases_shown(policy, purposes, categories),
            "website": policy.website,
            "masked": MASK_PREFIXES,
            "cookies": cookies_shown(),
        },
    )


@page("cookies/", name="cookies")
def cookies(request):
    return render(
        request, "web/cookies.html", {"cookies": cookies_shown(), "signal": privacy_signal(request)}
    )


@page("preferences/text-size/", name="text_size")
@require_POST
@csrf_exempt  # a preference form for anonymous visitors: checked by origin instead of a cookie
def text_size(request):
    if not same_origin(request):
        return HttpResponseForbidden(gettext("This form must be sent from our own site."))
    size = request.POST.get("size", "")
    if size not in TEXT_SIZES:
        # Only the page's two buttons choose a size: anything else sent is drawn again with 400, saying so.
        shown = {"cookies": cookies_shown(), "signal": privacy_signal(request), "size_unknown": True}
        return render(request, "web/cookies.html", shown, status=400)
    response = redirect(safe_next(request, request.POST.get("next"), "web:cookies"))
    if privacy_signal(request):
        return render(
            request, "web/cookies.html", {"cookies": cookies_shown(), "signal": True, "refused_cookie": True}
        )
    if size == "normal":
        response.delete_cookie(TEXT_SIZE.name)
    else:
        response.set_cookie(
            TEXT_SIZE.name,
            size,
            max_age=TEXT_SIZE_MAX_AGE,
            secure=not settings.DEBUG,
            httponly=True,
            samesite="Lax",
        )
    return response


@page(".well-known/gpc.json", name="gpc")
def gpc(request):
    """/.well-known/gpc.json: we honour Global Privacy Control."""
    return JsonResponse({"gpc": True, "lastUpdate": current_policy().effective_date.isoformat()})


@page("contact/", name="contact")
@require_http_methods(["GET", "POST"])
@csrf_exempt  # must work with every cookie blocked: same-origin check, honeypot and rate limit instead
def contact(request):
    policy = current_policy()
    notice = policy.notice_at("contact_form")
    form = ContactForm(request.POST or None, notice=notice)
    context = {"form": form, "notice": notice}
    if request.method == "POST":
        if not same_origin(request):
            return render(
                request,
                "web/contact.html",
                {
                    **context,
                    "blocked": gettext(
                        "This form must be sent from our own website. If you see this in your browser, "
                        "reload the page and try again."
                    ),
                },
                status=403,
            )
        if form.is_valid():
            # Only well-formed messages are counted: each one becomes a request on staff's list, which is
            # what the limit protects. A message refused for a missing or mistyped field keeps nothing and
            # costs nothing; counting it would shut out the person who fixes their mistake and sends again.
            if rate_limited(
                request, scope="contact", limit=settings.CUSTODIAN_CONTACT_RATE_LIMIT, window_seconds=600
            ):
                return _contact_too_many(request, context, policy)
            data = form.cleaned_data
            if data["website"]:  # the honeypot: answer as if received, keep nothing
                return render(request, "web/contact_thanks.html", {"request": None})
            contact_details = {k: data[k] for k in ("name", "email", "phone", "account_number") if data[k]}
            if not contact_details:
                contact_details = {"name": "(anonymous)"}

            def answer():
                try:
                    req, _ = request_intake(
                        intake=Intake(
                            kind=data["topic"],
                            channel="web_form",
                            message=data["message"],
                            contact=contact_details,
                            notice_key=notice.key,
                            notice_version=data["notice_version"],
                        )
                    )
                except RequestError as exc:
                    form.add_error(None, str(exc))
                    return render(request, "web/contact.html", context, status=400)
                return render(request, "web/contact_thanks.html", {"request": req})

            return once(request, form, answer, again=_contact_again)
    return render(request, "web/contact.html", context, status=400 if request.method == "POST" else 200)


def _contact_again(request, sent):
    """The same message sent again (a second click, a reload): received once, under its first number; said
    on the page, as the contact form works with every cookie blocked."""
    return render(request, "web/contact_thanks.html", {"request": None, "number": sent.number})


def _contact_too_many(request, context, policy):
    blocked = gettext(
        "You have sent several messages in a short time. Please wait a few minutes, or call us at %(phone)s."
    ) % {"phone": policy.utility["phone"]}
    return render(request, "web/contact.html", {**context, "blocked": blocked}, status=429)


@page("portal/", name="portal")
def portal(request):
    return render(request, "web/portal.html")


@page("privacy/incidents/", name="incidents")
def incidents(request):
    """Security incidents: the public summary of each completed report (Minn. Stat. § 13.055 subd. 2)."""

    return render(request, "web/incidents.html", {"reports": published_reports()})


@page("privacy/inventory/", name="inventory")
def inventory(request):
    """The public inventory of private data on individuals (Minn. Stat. § 13.025), from the policy file."""
    return inventory_answer(request, "web/inventory.html")


def inventory_answer(request, template: str):
    """The data inventory as JSON when asked for (`?format=json`), else drawn with `template`: the public
    site and the privacy officer's console show the same inventory."""
    data = data_inventory()
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"indent": 2})
    return render(request, template, {"inventory": data})


@page("privacy/rights/", name="rights")
def rights(request):
    """The rights of the people we keep data about, and the procedure for public data (§§ 13.03, 13.04)."""
    policy = current_policy()
    return render(
        request,
        "web/rights.html",
        {
            "authority": policy.utility["responsible_authority"],
            "access_days": policy.deadlines["data_access_business_days"],
            "correction_days": policy.deadlines["correction_days"],
        },
    )


@page("privacy/versions/", name="policy_versions")
def policy_versions(request):

    return render(request, "web/policy_versions.html", {"versions": archived_versions()})


@page("privacy/versions/<str:version>/", name="policy_version")
def policy_version(request, version):
    """One archived version: what changed from the one before (the text and the rules), and its text."""

    found = archived_version(version)
    if found is None:
        raise Http404("no such version of the policy")
    return render(request, "web/policy_version.html", {"version": found, "diff": version_differences(found)})


@page("privacy/report/", name="privacy_report")
def privacy_report(request):
    """The annual privacy report of the year so far (or `?year=`), generated from the records."""

    this_year = timezone.localdate().year
    try:
        year = bounds.ascii_whole(request.GET.get("year", str(this_year)))
    except ValueError:
        year = 0
    if not 2000 <= year <= this_year:
        # Plain text: the year as typed is echoed, and must never be read as markup.
        asked = request.GET.get("year", "")[:20]
        return HttpResponseBadRequest(
            gettext(
                "There is no privacy report for the year “%(year)s”: give a year from 2000 to %(this_year)s."
            )
            % {"year": asked, "this_year": this_year},
            content_type="text/plain; charset=utf-8",
        )
    report = report_of(year=year)
    if request.GET.get("format") == "json":
        return JsonResponse(report, json_dumps_params={"indent": 2})
    return render(request, "web/privacy_report.html", {"report": report})


def bad_request(request, exception=None):
    """The 400 page in the area's layout; a plain answer when that can't be drawn (a request refused for its
    Host header fails again wherever the layout asks for the host, and so does a missing static file). A file
    sent to a page that takes none is said so."""
    try:
        file_not_taken = isinstance(exception, bounds.FileNotTaken)
        return render(request, "400.html", {"file_not_taken": file_not_taken}, status=400)
    except Exception:  # noqa: BLE001 (the error page must not fail in turn)
        return HttpResponseBadRequest(f"<h1>{gettext('We could not read that request')} (400)</h1>")


def server_error(request):
    """The 500 page in the area's own layout (the request's context, unlike Django's default); if even that
    fails, a plain answer."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 (the error page must not fail in turn)
        return HttpResponseServerError(f"<h1>{gettext('Something went wrong on our side')} (500)</h1>")
