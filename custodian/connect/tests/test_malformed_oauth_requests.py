"""No request to the authorization server is answered with a server error, however it is made: the token,
revocation and authorization endpoints (and the introspection endpoint Custodian does not offer) are sent
every parameter they know missing, empty, odd or repeated, by a third party that is approved and by one that
is not, and each answers with a client error or what it grants. A grant type Custodian does not offer (the
device code, the password, the implicit, a SAML assertion, one made up) is refused as RFC 6749 §5.2 says:
400, `unsupported_grant_type`. Personas: Sunny Solar Analytics (an approved third party), a stranger with
curl, and Pat, a customer signed in on the portal when an app's request reaches her."""

import base64

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodian.connect.tests.test_connect_my_data import approved_third_party, pkce
from custodian.testing.connect import REDIRECT, SCOPE
from custodian.testing.portal import signed_in

TOKEN, REVOKE, AUTHORIZE = "/connect/oauth/token/", "/connect/oauth/revoke/", "/portal/connect/authorize/"
INTROSPECT = "/connect/oauth/introspect/"
NOT_OFFERED = [
    "urn:ietf:params:oauth:grant-type:device_code",
    "password",
    "implicit",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "openid",
    "made_up",
]
GRANTS = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    *NOT_OFFERED,
    "",
    " ",
    "AUTHORIZATION_CODE",
]
ODD = st.one_of(
    st.none(),  # left out
    st.just(""),
    st.text(max_size=80),
    st.text(alphabet="\x00\r\n\t %&=+?#\\\"'<>{}", max_size=20),
    st.just("A" * 5000),
    st.lists(st.text(max_size=10), min_size=2, max_size=3),  # the parameter sent twice or more
)
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _form(**params) -> dict:
    return {k: v for k, v in params.items() if v is not None}


def _no_server_error(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.content[:300])


@pytest.fixture
def sunny(households, privacy_officer):
    return approved_third_party(privacy_officer)


@pytest.mark.parametrize("grant_type", NOT_OFFERED)
def test_a_grant_type_not_offered_is_unsupported(db, grant_type):
    """As a stranger sends it with curl, with nothing else: 400 unsupported_grant_type, never a 500."""
    answer = Client().post(TOKEN, {"grant_type": grant_type})
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("grant_type", NOT_OFFERED)
def test_a_grant_type_not_offered_is_unsupported_for_an_approved_client(sunny, grant_type):
    client_id, secret = sunny
    answer = Client().post(
        TOKEN,
        {"grant_type": grant_type, "device_code": "x", "username": "pat", "password": "x"},
        HTTP_AUTHORIZATION=_basic(client_id, secret),
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "unsupported_grant_type"


def _basic(client_id, secret) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


AUTHS = st.sampled_from(["sunny", "wrong secret", "none", "garbage", "not base64", "nul"])


def _authorization(kind, client_id, secret) -> dict:
    header = {
        "sunny": _basic(client_id, secret),
        "wrong secret": _basic(client_id, "nope"),
        "garbage": "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(),
        "not base64": "Basic %%%not-base64",
        "nul": _basic("sunny\x00", secret),
        "none": None,
    }[kind]
    return {} if header is None else {"HTTP_AUTHORIZATION": header}


@given(
    grant_type=st.one_of(st.none(), st.sampled_from(GRANTS), st.text(max_size=30)),
    auth=AUTHS,
    code=ODD,
    redirect_uri=st.one_of(ODD, st.just(REDIRECT)),
    code_verifier=ODD,
    refresh_token=ODD,
    scope=st.one_of(ODD, st.just(SCOPE)),
    device_code=ODD,
    client_id=st.one_of(ODD, st.just("sunny"), st.just("\x00")),
)
@EXAMPLES
def test_the_token_endpoint_never_fails_on_what_it_is_sent(sunny, grant_type, auth, client_id, **params):
    sunny_id, secret = sunny
    form = _form(grant_type=grant_type, client_id=sunny_id if client_id == "sunny" else client_id, **params)
    _no_server_error(Client().post(TOKEN, form, **_authorization(auth, sunny_id, secret)), form)
    _no_server_error(Client().get(TOKEN, form), form)


@given(
    token=ODD, token_type_hint=st.one_of(ODD, st.sampled_from(["access_token", "refresh_token"])), auth=AUTHS
)
@EXAMPLES
def test_the_revocation_and_introspection_endpoints_never_fail(sunny, token, token_type_hint, auth):
    sunny_id, secret = sunny
    form = _form(token=token, token_type_hint=token_type_hint)
    for path in (REVOKE, INTROSPECT):
        _no_server_error(Client().post(path, form, **_authorization(auth, sunny_id, secret)), (path, form))
        _no_server_error(Client().get(path, form), (path, form))


@pytest.fixture
def pat(sunny, households):
    (_, app), _ = households
    return signed_in(app, "pat@example.com")


@given(
    response_type=st.one_of(ODD, st.sampled_from(["code", "token", "id_token", "code token"])),
    client_id=st.one_of(ODD, st.just("sunny"), st.just("\x00")),
    redirect_uri=st.one_of(ODD, st.just(REDIRECT), st.just("https://evil.example.net/")),
    scope=st.one_of(ODD, st.just(SCOPE)),
    state=ODD,
    code_challenge=st.one_of(ODD, st.just(pkce()[1])),
    code_challenge_method=st.one_of(ODD, st.sampled_from(["S256", "plain"])),
    allow=st.sampled_from([None, "on"]),
)
@EXAMPLES
def test_the_authorization_endpoint_never_fails_on_what_it_is_sent(sunny, pat, client_id, allow, **params):
    sunny_id, _ = sunny
    query = _form(client_id=sunny_id if client_id == "sunny" else client_id, **params)
    _no_server_error(pat.get(AUTHORIZE, query), query)
    _no_server_error(pat.post(AUTHORIZE, _form(allow=allow, **query)), query)
    _no_server_error(Client().get(AUTHORIZE, query), query)
