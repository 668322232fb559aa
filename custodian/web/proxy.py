"""The scheme a request came with, believed from a TLS proxy only when it is a trusted one.

With DEBUG off, Django takes `X-Forwarded-Proto: https` as proof that the client used HTTPS
(SECURE_PROXY_SSL_HEADER), from whoever sends it. Custodian sets that setting only when
CUSTODIAN_TRUSTED_PROXIES names the proxies, and this middleware (first of all) removes the header from any
request whose direct peer is not one of them (custodian.netaddr)."""

from custodian.netaddr import forwarded_proto_forget_untrusted


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded_proto_forget_untrusted(request.META)
        return self.get_response(request)
