"""The language of a page: `?lang=es` on any page (a link in the header), else the portal customer's kept
choice, else the browser's Accept-Language, else English. A customer signed in to the portal who picks a
language keeps it (`Customer.language`): the portal and their next visits use it. The public site works with
every cookie blocked, so no language cookie is set: there the link and the browser decide."""

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _ in settings.LANGUAGES}


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
        if asked in SUPPORTED:
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
        response.headers.setdefault("Content-Language", language)
        vary = response.headers.get("Vary", "")
        if "accept-language" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        translation.deactivate()
        return response
