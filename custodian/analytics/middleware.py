"""Counts public page views without a cookie and without anything that identifies the visitor."""

from django.conf import settings
from django.utils import timezone

from custodian.analytics.capture import agent, clean_path, client_ip, mask_ip, referrer_host
from custodian.analytics.models import PageView
from custodian.analytics.recorder import RECORDER

_NOT_PUBLIC = ("/staff/", "/api/", "/static/", "/portal/", "/.well-known/", "/favicon")


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.CUSTODIAN_ANALYTICS_ENABLED
            and request.method == "GET"
            and response.status_code == 200
            and not request.path.startswith(_NOT_PUBLIC)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            meta = request.META
            ua = agent(meta.get("HTTP_USER_AGENT", ""))
            own = {h.lower() for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")}
            own.add(request.get_host().split(":")[0].lower())
            RECORDER.add(
                PageView(
                    at=timezone.now(),
                    path=clean_path(request.path),
                    browser=ua.browser,
                    browser_major=ua.browser_major,
                    os=ua.os,
                    device=ua.device,
                    ip_prefix=mask_ip(client_ip(meta)),
                    referrer_host=referrer_host(meta.get("HTTP_REFERER", ""), own),
                    is_bot=ua.is_bot,
                )
            )
        return response
