from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf

from custodian.dates import office_hours
from custodian.policy.loader import current_policy
from custodian.web.cookies import TEXT_SIZE


def utility(request):
    policy = current_policy()
    size = request.COOKIES.get(TEXT_SIZE.name, "normal")
    return {
        "utility": policy.utility,
        # The opening hours in the page's language (the policy file gives them as days and times).
        "office_hours": office_hours(policy.utility.get("hours")),
        "policy_version": policy.version,
        "text_size": size if size in ("normal", "large") else "normal",
        "layout_key": _layout_key(
            policy.version, repr(policy.utility), get_urlconf() or settings.ROOT_URLCONF
        )
        + get_script_prefix(),
    }


@lru_cache(maxsize=16)
def _layout_key(version: str, utility: str, urlconf: str) -> str:
    """What every cached part of the layout (web/base.html, ui/header_public.html) depends on besides the
    language and the page: the policy's utility and version, and where the URLs point."""
    return f"{version}|{utility}|{urlconf}|"


def area(request):
    """Which of the three areas a page belongs to, so that one layout (web/base.html) draws the public site's,
    the portal's or the console's header and navigation: every page that extends web/base.html gets the
    right one without saying so."""
    path = request.path
    if path.startswith("/staff/"):
        name = "console"
    elif path.startswith("/portal/") and path != "/portal/":
        name = "portal"
    else:
        name = "public"
    user = getattr(request, "user", None)
    signed_in_staff = (
        name == "console"
        and user is not None
        and user.is_authenticated
        and not hasattr(user, "portal_account")
        and user.is_verified()
    )
    return {
        "area": name,
        "staff_signed_in": signed_in_staff,
        # Set by portal_required: a confirmed customer is signed in on this request.
        "customer_signed_in": name == "portal" and getattr(request, "customer_id", None) is not None,
        # The console's pages on emergency access say how long it lasts: the length in force.
        **({"break_glass_minutes": settings.CUSTODIAN_BREAK_GLASS_MINUTES} if name == "console" else {}),
    }
