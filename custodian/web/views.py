from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from custodian.casework.services import Intake, RequestError, request_intake
from custodian.disclosures.models import Vendor
from custodian.disclosures.services import current_determination
from custodian.policy.loader import current_policy
from custodian.web.cookies import COOKIES, TEXT_SIZE, TEXT_SIZE_MAX_AGE
from custodian.web.forms import ContactForm
from custodian.web.protection import rate_limited, same_origin
from custodian.web.redirects import safe_next

TEXT_SIZES = ("normal", "large")


def privacy_signal(request) -> bool:
    """Global Privacy Control or Do Not Track: the visitor asks us to store nothing optional."""
    return request.META.get("HTTP_SEC_GPC") == "1" or request.META.get("HTTP_DNT") == "1"


def home(request):
    return render(request, "web/home.html")


def services(request):
    return render(request, "web/services.html")


def privacy_policy(request):
    policy = current_policy()
    vendors = []
    for vendor in Vendor.objects.filter(revoked_at__isnull=True).order_by("name"):
        determination = current_determination(vendor)
        if determination is not None:
            vendors.append((vendor, policy.vendor_functions[vendor.function], determination))
    return render(
        request,
        "web/privacy.html",
        {
            "policy": policy,
            "paragraphs": [p.strip() for p in policy.published_text.split("\n\n") if p.strip()],
            "purposes": policy.purposes.values(),
            "categories": policy.categories.values(),
            "services": policy.services.values(),
            "emergency": [
                (policy.services[s], [policy.purposes[p] for p in sorted(purposes)])
                for s, purposes in policy.emergency_access.items()
                if purposes
            ],
            "emergency_minutes": settings.CUSTODIAN_BREAK_GLASS_MINUTES,
            "vendor_functions": policy.vendor_functions.values(),
            "vendors": vendors,
            "bases": policy.disclosure_bases,
            "website": policy.website,
            "cookies": COOKIES,
        },
    )


def cookies(request):
    return render(request, "web/cookies.html", {"cookies": COOKIES, "signal": privacy_signal(request)})


@require_POST
@csrf_exempt  # a preference form for anonymous visitors: checked by origin instead of a cookie
def text_size(request):
    if not same_origin(request):
        return HttpResponseForbidden("This form must be sent from our own site.")
    size = request.POST.get("size", "normal")
    response = redirect(safe_next(request, request.POST.get("next"), "web:cookies"))
    if size not in TEXT_SIZES:
        return response
    if privacy_signal(request):
        return render(
            request, "web/cookies.html", {"cookies": COOKIES, "signal": True, "refused_cookie": True}
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


def gpc(request):
    """/.well-known/gpc.json: we honour Global Privacy Control."""
    return JsonResponse({"gpc": True, "lastUpdate": current_policy().effective_date.isoformat()})


@require_http_methods(["GET", "POST"])
@csrf_exempt  # must work with every cookie blocked: same-origin check, honeypot and rate limit instead
def contact(request):
    policy = current_policy()
    form = ContactForm(request.POST or None)
    context = {"form": form, "notice": policy.notices["contact_form"]}
    if request.method == "POST":
        if not same_origin(request):
            return render(
                request,
                "web/contact.html",
                {
                    **context,
                    "blocked": "This form must be sent from our own "
                    "website. If you see this in your browser, reload the page and try again.",
                },
                status=403,
            )
        if rate_limited(
            request, scope="contact", limit=settings.CUSTODIAN_CONTACT_RATE_LIMIT, window_seconds=600
        ):
            return render(
                request,
                "web/contact.html",
                {
                    **context,
                    "blocked": "You have sent several messages in a "
                    f"short time. Please wait a few minutes, or call us at {policy.utility['phone']}.",
                },
                status=429,
            )
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:  # the honeypot: answer as if received, keep nothing
                return render(request, "web/contact_thanks.html", {"request": None})
            contact_details = {k: data[k] for k in ("name", "email", "phone", "account_number") if data[k]}
            if not contact_details:
                contact_details = {"name": "(anonymous)"}
            try:
                req, _ = request_intake(
                    intake=Intake(
                        kind=data["topic"],
                        channel="web_form",
                        message=data["message"],
                        contact=contact_details,
                        notice_key="contact_form",
                    )
                )
            except RequestError as exc:
                form.add_error(None, str(exc))
            else:
                return render(request, "web/contact_thanks.html", {"request": req})
    return render(request, "web/contact.html", context)


def portal(request):
    return render(request, "web/portal.html")


def incidents(request):
    """Security incidents: the public summary of each completed report (Minn. Stat. § 13.055 subd. 2)."""
    from custodian.incidents.selectors import published_reports

    return render(request, "web/incidents.html", {"reports": published_reports()})
