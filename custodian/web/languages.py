"""The language of a page: `?lang=es` on any page (a link in the header), else the portal customer's kept
choice, else the browser's Accept-Language, else English. A customer signed in to the portal who picks a
language keeps it (`Customer.language`): the portal and their next visits use it. The public site works with
every cookie blocked, so no language cookie is set: there the link and the browser decide, and the link's
choice is carried on where the site sends the reader next (a redirect within the site keeps `?lang=`, and a
link e-mailed from a page in a language opens in it: `url_in_language`)."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}
STAFF_PAGES = "/staff/"


def _customer_of(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    account = getattr(user, "portal_account", None)
    return account.customer if account is not None else None


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = request.GET.get("lang", "")
        customer = _customer_of(request)
        if request.path.startswith(STAFF_PAGES):
            # The staff console is written in English (docs/decisions.md): a page drawn in another language
            # would mix its English words with translated errors, messages and dates.
            asked, language = "", settings.LANGUAGE_CODE
        elif asked in SUPPORTED:
            language = asked
            if customer is not None and customer.language != asked:
                customer.language = asked
                customer.save(update_fields=["language"])
        elif customer is not None and customer.language in SUPPORTED:
            language = customer.language
        else:
            language = translation.get_language_from_request(request)
        language = language if language in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if asked in SUPPORTED and 300 <= response.status_code < 400 and response.has_header("Location"):
            response["Location"] = _with_language(response["Location"], asked, request.get_host())
        response.headers.setdefault("Content-Language", language)
        vary = response.headers.get("Vary", "")
        if "accept-language" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        translation.deactivate()
        return response


def _with_language(location: str, language: str, host: str) -> str:
    """A redirect's address with `lang=` added, when it stays on this site and names no language itself (a
    sign-in after a confirmed sign-up, the bills after a form): without it the next page would be drawn in the
    browser's language, under a message written in the one the reader chose."""
    parts = urlsplit(location)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", host):
        return location
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return location
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == "lang" for key, _ in query):
        return location
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))


def url_in_language(request, path: str, language: str = "") -> str:
    """The absolute address of `path` for a link e-mailed from this request, so the link opens in the
    language of its message: `language` (else the page's), named with `?lang=` when it is not the site's
    default or the page was in another (a message in the customer's English sent from a Spanish page)."""
    page = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    language = language if language in SUPPORTED else page
    if language != settings.LANGUAGE_CODE or page != settings.LANGUAGE_CODE:
        path = _with_language(path, language, request.get_host())
    return request.build_absolute_uri(path)
