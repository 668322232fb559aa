"""Logs are JSON lines with no personal data: the canary scenario (custodian/tests) runs with the production
log configuration capturing everything at INFO, plus requests carrying an e-mail address in a query string and
a customer's id and an e-mail address in paths; then every line parses as JSON, no canary is in the text,
and no query string, e-mail address or customer id is in it."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from custodian.operations.logs import JsonLinesFormatter, PersonalDataFilter, path_redact, text_redact
from custodian.testing.canaries import scan
from custodian.testing.canary_scenario import CANARIES, EMAIL_ON_FILE, PORTAL_EMAIL, run_scenario


@pytest.fixture
def json_log():
    """The production handler (JSON lines, scrubbed) on the root logger, at INFO, requests included."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonLinesFormatter())
    handler.addFilter(PersonalDataFilter())
    root, requests = logging.getLogger(), logging.getLogger("custodian.request")
    levels = root.level, requests.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    requests.setLevel(logging.INFO)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(levels[0])
    requests.setLevel(levels[1])


def test_the_canary_scenario_leaves_no_personal_data_in_the_json_log(
    canary_customer,  # noqa: F811
    billing_clerk,
    console,
    json_log,
):
    customer = canary_customer[0]
    run_scenario(*canary_customer, billing_clerk, console)
    visitor = Client()
    visitor.get(f"/staff/customers/{customer.pk}/?email={EMAIL_ON_FILE}")
    visitor.get(f"/portal/nothing-here/{PORTAL_EMAIL}/{customer.pk}/?q={EMAIL_ON_FILE}")
    console(billing_clerk).get(f"/staff/customers/{customer.pk}9999/")  # a 404 with an id in its path
    logging.getLogger("custodian.example").error(
        "mail to %s failed for /portal/x/%s/", EMAIL_ON_FILE, customer.pk
    )

    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    requests = [line for line in lines if line["logger"] == "custodian.request"]
    assert len(requests) > 20 and all(
        {"method", "route", "status", "duration_ms"} <= set(r) for r in requests
    )
    assert any(line["logger"] == "django.request" for line in lines)  # Django's 4xx warnings are in it
    findings = scan(CANARIES, texts={"JSON log": text})
    assert not findings, "personal data in the log:\n" + "\n".join(map(str, findings))
    assert "?" not in text, "a query string in the log"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), "an e-mail address in the log"
    assert not re.search(rf"/{customer.pk}(\d|/|\b)", text), "a customer's id in a path in the log"
    assert {"/staff/customers/<id:customer_id>/", "/portal/sign-in/"} <= {r["route"] for r in requests}


def test_paths_keep_their_words_only():
    assert path_redact("/portal/confirm/Zk3x9-abc/?next=/portal/") == "/portal/confirm/*/"
    assert path_redact("/staff/customers/42/break-glass/") == "/staff/customers/*/break-glass/"
    assert path_redact("/portal/a@b.org/") == "/portal/*/"
    assert path_redact("/static/custodian/custodian.css") == "/static/custodian/custodian.css"


def test_free_text_loses_addresses_numbers_and_queries():
    text = text_redact("Not Found: /portal/x/77/?email=a@b.org then call (507) 555-0147, account 123456789")
    assert text == "Not Found: /portal/x/*/ then call [number], account [number]"
    assert text_redact("retention run 12 done on 2026-11-26") == "retention run 12 done on 2026-11-26"
