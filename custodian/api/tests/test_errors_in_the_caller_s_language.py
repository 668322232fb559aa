"""Every error the API answers is worded in the caller's language, as the portal's pages are (`?lang=`, else
the Accept-Language header, else English): a read held for the privacy officer's approval, a customer not
found or not allowed, a token missing, a body that is not JSON or too big, a review only the privacy officer
makes, a vendor or an export not found. And every message the API writes itself is marked for translation
where it is written, so a new one can't be left in English.

Personas: Bill the billing clerk, whose reads without a request pass the policy file's hourly limit; Priya
the privacy officer."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import PAPER_FORM
from custodian.api import api as api_module
from custodian.api.services import api_token_create
from custodian.testing.town import LIMIT, town_enrol
from custodian.vault.gate import reveal, staff_actor

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(name='test', user=user)[1]}"}


def name_asked(client, customer_id, **headers):
    return client.post(
        f"/api/v1/customers/{customer_id}/reveal",
        {"fields": ["name"], "purpose": "billing"},
        content_type="application/json",
        **headers,
    )


def test_bill_s_read_held_for_approval_is_told_in_spanish_and_in_english_as_the_log_has_it(billing_clerk):
    town = town_enrol(PAPER_FORM)
    for neighbour in town[:LIMIT]:
        reveal(actor=staff_actor(billing_clerk), customer_id=neighbour.pk, fields=["name"], purpose="billing")
    client, signed = Client(), bearer(billing_clerk)
    held = name_asked(client, town[LIMIT].pk, **signed, **SPANISH)
    told = held.json()["detail"]
    assert held.status_code == 403 and held["Content-Language"] == "es"
    assert told.startswith("retenida para la aprobación del oficial de privacidad (retención ")
    assert f"el límite es {LIMIT}" in told and "held" not in told
    english = name_asked(client, town[LIMIT + 1].pk, **signed).json()["detail"]
    assert english.startswith("held for the privacy officer's approval (hold ")  # the log's words, as before


@pytest.fixture
def bodies():
    too_big = b'{"x": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    return {"not JSON": "{", "too big": too_big}


def test_every_refusal_of_the_api_is_told_in_spanish(billing_clerk, privacy_officer, bodies):
    client, bill, priya = Client(), bearer(billing_clerk), bearer(privacy_officer)
    lookup = "/api/v1/customers/lookup"
    answers = {
        "no such customer": (name_asked(client, 987654, **bill, **SPANISH), 404, "No existe ese cliente"),
        "no token": (client.get("/api/v1/access-events", **SPANISH), 401, "Se necesita un token de la API"),
        "not JSON": (
            client.post(lookup, bodies["not JSON"], content_type="application/json", **bill, **SPANISH),
            400,
            "El cuerpo no es JSON",
        ),
        "too big": (
            client.post(lookup, bodies["too big"], content_type="application/json", **bill, **SPANISH),
            413,
            "El cuerpo pasa de",
        ),
        "not the privacy officer": (
            client.get("/api/v1/access-events", **bill, **SPANISH),
            403,
            "Solo el oficial de privacidad revisa el registro de accesos.",
        ),
        "no such vendor": (
            client.post(
                "/api/v1/vendors/987654/exports", {}, content_type="application/json", **priya, **SPANISH
            ),
            404,
            "No existe ese proveedor.",
        ),
        "no such export": (
            client.get("/api/v1/exports/987654/file", **priya, **SPANISH),
            404,
            "No existe esa exportación.",
        ),
    }
    for what, (answered, status, words) in answers.items():
        assert answered.status_code == status, what
        assert answered.json()["detail"].startswith(words), (what, answered.json())


def _bare(node) -> bool:
    """A message written as a literal (text or an f-string, alone or %-formatted), not through gettext."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def test_every_message_the_api_writes_is_marked_for_translation():
    tree = ast.parse(Path(api_module.__file__).read_text())
    bare = []
    for node in ast.walk(tree):
        said = []
        if isinstance(node, ast.Dict):  # an answer's body: {"detail": …}
            said += [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if getattr(k, "value", None) == "detail"
            ]
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"HttpError", "BodyRefused"}:
            said += node.args[-1:]
        bare += [ast.unparse(v) for v in said if _bare(v)]
    assert not bare, f"API messages not marked for translation: {bare}"
