"""The layout's header, navigation and footer are rendered once per process and kept (the
`template_fragments` cache): a page is the same as rendered afresh, each visitor still gets their own sign-out
form token, and every kept part follows the language, the page, whether a customer is signed in and the
utility the policy names."""

import dataclasses
import re

from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from custodian.policy.loader import current_policy
from custodian.testing.portal import signed_in

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A form that records something carries its own one-time token, new each time it is drawn.
ONCE = re.compile(r'name="once" value="[^"]+"')


def _without_tokens(html: str) -> str:
    return ONCE.sub('name="once" value=""', TOKEN.sub('name="csrfmiddlewaretoken" value=""', html))


def test_a_portal_page_is_the_same_from_kept_parts_as_rendered_afresh(households):
    (_, app), _ = households
    client = signed_in(app, "ann@example.com")
    caches["template_fragments"].clear()
    fresh = client.get("/portal/me/consents/").content.decode()
    kept = client.get("/portal/me/consents/").content.decode()
    assert _without_tokens(kept) == _without_tokens(fresh)
    assert 'aria-current="page">' in kept and "Sign out" in kept and current_policy().version in kept


def test_each_customer_signs_out_with_their_own_token(households):
    """The sign-out form sits between two kept parts: its token is each request's own, never a kept one."""
    (_, ann_app), (_, bob_app) = households
    ann, bob = signed_in(ann_app, "ann@example.com"), signed_in(bob_app, "bob@example.com")
    for client in (ann, bob, ann):
        page = client.get("/portal/me/consents/").content.decode()
        sign_out = page[page.index('action="/portal/sign-out/"') :]
        token = TOKEN.search(sign_out).group(1)
        assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value


def test_kept_parts_follow_the_language_and_the_page(households):
    (_, app), _ = households
    client = signed_in(app, "ann@example.com")
    english = client.get("/portal/me/consents/").content.decode()
    spanish = client.get("/portal/me/consents/?lang=es").content.decode()
    assert "Sign out" in english and "Who we gave it to" in english and "Privacy policy" in english
    assert "Cerrar sesión" in spanish and "Política de privacidad" in spanish and "Sign out" not in spanish
    usage = client.get("/portal/me/usage/?lang=en").content.decode()
    current = re.findall(r'<a href="([^"]+)" class="usa-current" aria-current="page">', usage)
    assert current == ["/portal/me/usage/"]


def test_a_visitor_never_gets_a_signed_in_customers_header(households):
    (_, app), _ = households
    customer = signed_in(app, "ann@example.com")
    assert "Sign out" in customer.get("/portal/me/").content.decode()
    visitor = Client().get("/services/").content.decode()
    assert "Sign out" not in visitor and 'href="/portal/me/"' not in visitor and ">Staff<" in visitor


def test_kept_parts_follow_the_utility_the_policy_names(db, monkeypatch):
    before = Client().get("/services/").content.decode()
    policy = current_policy()
    renamed = dataclasses.replace(policy, utility={**policy.utility, "name": "Steele County Power"})
    monkeypatch.setattr("custodian.web.context_processors.current_policy", lambda: renamed)
    after = Client().get("/services/").content.decode()
    assert policy.utility["name"] in before and "Steele County Power" not in before
    header, footer = after[: after.index("</header>")], after[after.index("<footer") :]
    assert "Steele County Power" in header and "Steele County Power" in footer
