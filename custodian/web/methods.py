"""The methods the site answers: a page is read (GET, HEAD) or sent a form (POST), and the API and the OAuth
endpoints take the methods their protocols name. OPTIONS asks only which methods an address takes: it is
answered here, with the methods and no content, before any view runs, so it never serves a page (a portal
download, logged as a read) as a GET would. TRACE, CONNECT and any method no view takes are refused 405
here."""

from django.http import HttpResponse, HttpResponseNotAllowed

# What views are written for; OPTIONS is answered here.
TAKEN = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
ALLOWED = [*TAKEN, "OPTIONS"]


class MethodsMiddleware:
    """Before the session and the sign-in are read: OPTIONS answered with `Allow` and an empty body, any
    method outside `TAKEN` refused 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(ALLOWED)
            return response
        if request.method not in TAKEN:
            return HttpResponseNotAllowed(ALLOWED)
        return self.get_response(request)
