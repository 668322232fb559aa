"""Only a trusted proxy may say the client came over HTTPS: X-Forwarded-Proto is believed from the peers
CUSTODIAN_TRUSTED_PROXIES names, never from a client; with none named, production believes it from nobody."""

from django.http import HttpResponse
from django.test import RequestFactory

from custodian.testing.production import manage
from custodian.web.proxy import TrustedProxyMiddleware

SECURE = TrustedProxyMiddleware(lambda request: HttpResponse("yes" if request.is_secure() else "no"))


def asks(peer: str) -> str:
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
    return SECURE(request).content.decode()


def test_the_header_is_believed_from_a_trusted_proxy_only(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CUSTODIAN_TRUSTED_PROXIES = ["10.0.0.2", "192.0.2.0/24"]
    assert asks("10.0.0.2") == "yes"
    assert asks("192.0.2.77") == "yes"
    assert asks("203.0.113.9") == "no"  # a client sending the header itself
    assert asks("not-an-address") == "no"


def test_production_trusts_the_header_only_when_proxies_are_named(production_env):  # noqa: F811
    show = "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    alone = manage("shell", "-v0", "-c", show, env=production_env)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.strip().splitlines()[-1] == "None"
    proxied = manage(
        "shell", "-v0", "-c", show, env={**production_env, "CUSTODIAN_TRUSTED_PROXIES": "127.0.0.1"}
    )
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
