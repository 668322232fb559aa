"""Every route of the ESPI resource server against every kind of caller: no token, a token that is not one,
a customer's token, the third party's client and registration access tokens, and another third party's
client token. 401 without a valid token; 200 only where the caller's own authorisation or registration
reaches; otherwise the same 404 as a resource that does not exist. The routes are read from the URL
configuration, and a route the matrix does not cover fails the test."""

from django.test import Client

from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.services import third_party_review
from custodian.connect.tests.test_client_credentials import client_token, customer_token
from custodian.connect.tests.test_connect_my_data import approved_third_party, fetch
from custodian.connect.views import NOT_FOUND
from custodian.testing.connect import register
from custodian.testing.routes import named_routes

CALLERS = ("none", "not_a_token", "customer", "client", "registration", "other_client")


def espi_routes() -> dict[str, str]:
    """Every named route of the resource server: name → route pattern."""
    return named_routes("espi/")


def expected(route: str, caller: str) -> int:
    if caller in ("none", "not_a_token"):
        return 401
    allowed = {
        "connect:application_information": {"client", "registration"},
        "connect:authorizations": {"client", "other_client"},  # each its own list
        "connect:authorization": {"client"},
        "connect:bulk": {"client"},
        "connect:resource": {"customer"},
    }[route]
    return 200 if caller in allowed else 404


def test_every_espi_route_answers_each_caller_as_the_matrix_says(households, privacy_officer):  # noqa: F811
    (_, pat_app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    sunny = ThirdParty.objects.get(application__client_id=client_id)
    other_id, other_secret = register(name="Other Analytics")
    third_party_review(
        third_party=ThirdParty.objects.get(application__client_id=other_id),
        reviewed_by=privacy_officer,
        decision="approved",
    )
    tokens = {
        "none": None,
        "not_a_token": "not-a-token",
        "customer": customer_token(pat_app, "pat@example.com", client_id, secret),
        "client": client_token(client_id, secret),
        "registration": client_token(client_id, secret, scope="FB=36_40"),
        "other_client": client_token(other_id, other_secret),
    }
    sid = Authorization.objects.get().pk
    paths = {
        "connect:application_information": f"/espi/1_1/resource/ApplicationInformation/{sunny.pk}",
        "connect:authorizations": "/espi/1_1/resource/Authorization",
        "connect:authorization": f"/espi/1_1/resource/Authorization/{sid}",
        "connect:bulk": f"/espi/1_1/resource/Batch/Bulk/{sunny.pk}",
        "connect:resource": f"/espi/1_1/resource/Batch/Subscription/{sid}",
    }
    assert set(espi_routes()) == set(paths), "a resource server route the matrix does not cover"
    wrong = []
    for route, path in paths.items():
        for caller in CALLERS:
            response = fetch(tokens[caller], path) if tokens[caller] else Client().get(path)
            want = expected(route, caller)
            if response.status_code != want or (want == 404 and response.content.decode() != NOT_FOUND):
                wrong.append(f"{caller} GET {path}: {response.status_code}, expected {want}")
            if want == 401:
                assert response["WWW-Authenticate"].startswith("Bearer")
    assert not wrong, "\n".join(wrong)
    # Anything but GET is refused whoever asks, as 405 (the CSRF check, which a test client skips unless
    # told, would answer a cookie-less POST with its HTML 403 first).
    for path in paths.values():
        for method in ("post", "put", "delete"):
            sent = getattr(Client(enforce_csrf_checks=True), method)(
                path, HTTP_AUTHORIZATION=f"Bearer {tokens['client']}"
            )
            assert sent.status_code == 405, (method, path, sent.status_code)
