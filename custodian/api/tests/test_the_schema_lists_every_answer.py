"""The OpenAPI schema lists every answer an operation gives: on every operation 401 (no token, or one not
valid), 422 (what the schema refuses) and 500; on every operation that reads a body also 400 (not JSON) and
413 (over the size the server takes); and the export file as what it is, bytes with the headers its vendor
checks it by. Each listed answer is the one a caller gets.

Personas: Priya the privacy officer, with an API token of her own."""

import pytest
from django.conf import settings
from django.test import Client

from custodian.api.services import api_token_create

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema():
    return Client().get("/api/v1/openapi.json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_every_operation_lists_401_422_500_and_with_a_body_400_and_413(schema):
    listed = list(operations(schema))
    assert len(listed) >= 6
    for path, method, operation in listed:
        answers = set(operation["responses"])
        assert {"401", "422", "500"} <= answers, (method, path, answers)
        if "requestBody" in operation:
            assert {"400", "413"} <= answers, (method, path, answers)


def test_the_export_file_is_listed_as_bytes_with_its_headers(schema):
    ok = schema["paths"]["/api/v1/exports/{export_id}/file"]["get"]["responses"]["200"]
    assert "application/octet-stream" in ok["content"]
    assert {"X-Export-Sealed-Key", "X-Export-Sha256"} <= set(ok["headers"])


def test_each_listed_answer_is_the_one_given(schema, privacy_officer):
    token = api_token_create(name="priya's", user=privacy_officer)[1]
    signed = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    for path, method, operation in operations(schema):
        url = path.replace("{customer_id}", "1").replace("{vendor_id}", "1").replace("{export_id}", "1")
        call = getattr(client, method)
        assert call(url).status_code == 401, (method, path)
        assert call(url, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401, (method, path)
        if "requestBody" not in operation:
            continue
        malformed = call(url, "{", content_type="application/json", **signed)
        assert malformed.status_code == 400 and "not JSON" in malformed.json()["detail"], (method, path)
        too_big = b'{"x": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
        too_big = call(url, too_big, content_type="application/json", **signed)
        assert too_big.status_code == 413, (method, path)
        refused = call(url, "[]", content_type="application/json", **signed)
        assert str(refused.status_code) in operation["responses"], (method, path, refused.status_code)
    refused = client.post("/api/v1/customers/lookup", "[]", content_type="application/json", **signed)
    assert refused.status_code == 422 and isinstance(refused.json()["detail"], list)
