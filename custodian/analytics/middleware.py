"""Counts public page views without a cookie and without anything that identifies the visitor."""

from django.conf import settings
from django.utils import timezone

from custodian.analytics.capture import agent, clean_path, mask_ip, referrer_host, site_hosts
from custodian.analytics.models import PageView
from custodian.analytics.recorder import RECORDER
from custodian.analytics.visitors import campaign_tags, visitor_code
from custodian.netaddr import client_ip

# Only the public website is counted: pages of the `web` app, and none of these (the console, the portal,
# the API, static files, machine-readable files). Matched on `path_info`, the path inside the site, so a
# deployment under a prefix (SCRIPT_NAME) counts the same pages.
_PUBLIC_APP = "web"
_NOT_PUBLIC = ("/staff/", "/api/", "/static/", "/portal/", "/.well-known/", "/favicon")


def _is_public_page(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and match is not None
        and match.app_name == _PUBLIC_APP
        and not request.path_info.startswith(_NOT_PUBLIC)
        and response.get("Content-Type", "").startswith("text/html")
    )


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CUSTODIAN_ANALYTICS_ENABLED and _is_public_page(request, response):
            meta = request.META
            ua = agent(meta.get("HTTP_USER_AGENT", ""))
            host = request.get_host()
            site = site_hosts(tuple(settings.ALLOWED_HOSTS), host)
            address = client_ip(request)
            RECORDER.add(
                PageView(
                    at=timezone.now(),
                    path=clean_path(request.path_info),
                    browser=ua.browser,
                    browser_major=ua.browser_major,
                    os=ua.os,
                    device=ua.device,
                    ip_prefix=mask_ip(address),
                    referrer_host=referrer_host(meta.get("HTTP_REFERER", ""), site),
                    is_bot=ua.is_bot,
                    visitor=visitor_code(
                        site=host, client_address=address, user_agent=meta.get("HTTP_USER_AGENT", "")
                    ),
                    **campaign_tags(request.GET),
                )
            )
        return response
