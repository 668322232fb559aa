"""OPTIONS and TRACE on every route of the URL configuration, signed in as a customer and as nobody: OPTIONS
is answered with the methods taken and no content, TRACE is refused 405, and neither runs a view (nothing
read, nothing logged). OPTIONS on the portal's download served the whole download and logged a read.

Personas: Pat (online), and a visitor who is not signed in."""

from django.test import Client

from custodian.audit.models import AccessEvent
from custodian.testing.portal import signed_in
from custodian.testing.routes import routes


def test_options_and_trace_on_every_route_serve_no_page(households):
    (_, app), _ = households
    for who, client in (("Pat", signed_in(app, "pat@example.com")), ("a visitor", Client())):
        events = AccessEvent.objects.count()
        for path in routes():
            options = client.options(path)
            assert options.status_code == 200 and options.content == b"", (who, path)
            assert "GET" in options["Allow"] and "TRACE" not in options["Allow"], (who, path)
            trace = client.generic("TRACE", path)
            assert trace.status_code == 405 and b"<html" not in trace.content.lower(), (who, path)
        assert AccessEvent.objects.count() == events, who


def test_options_on_the_download_is_no_read(households):
    (_, app), _ = households
    pat = signed_in(app, "pat@example.com")
    events = AccessEvent.objects.count()
    answer = pat.options("/portal/me/download.json")
    assert answer.status_code == 200 and answer.content == b""
    assert AccessEvent.objects.count() == events
    assert pat.get("/portal/me/download.json").status_code == 200  # a GET still serves it
