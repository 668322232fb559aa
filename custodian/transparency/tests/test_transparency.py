"""Transparency on the public site: the § 13.025 inventory and the rights and public-access procedures, from
the policy file; every policy version archived with what changed, customers told of a change through the
outbox (an e-mail where we hold an address, a letter otherwise, nobody twice); the annual privacy report
generated from the records."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from conftest import PAPER_FORM, application_for
from custodian.casework.corrections import (
    correction_apply,
    correction_decline,
    meter_challenge_result,
    meter_challenge_route,
)
from custodian.casework.data_requests import data_request_answer, data_request_in_full
from custodian.casework.models import CustomerRequest
from custodian.casework.representatives import representative_register
from custodian.casework.services import request_close
from custodian.customers.services import customer_enrol
from custodian.disclosures.services import disagreement_record
from custodian.outbox.models import OutboundMessage
from custodian.policy.loader import _load_cached
from custodian.testing import power_of_attorney
from custodian.transparency.models import PolicyChangeNotice, PolicyVersion
from custodian.transparency.report import privacy_report
from custodian.vault.services import Submission


def test_the_inventory_and_the_rights_are_published_from_the_policy_file(db):
    page = Client().get("/privacy/inventory/").content.decode()
    assert "Data Practices Compliance Official" in page and "privacy@owatonnautilities.com" in page
    assert "Bank account for automatic payment" in page and "private data on individuals" in page
    assert "General Records Retention Schedule for Minnesota Cities" in page
    data = json.loads(Client().get("/privacy/inventory/?format=json").content)
    assert {d["category"] for d in data["data"]} >= {"Name", "Meter usage"}
    assert any(r["record"].startswith("Customer account records") for r in data["retention_schedule"])
    rights = Client().get("/privacy/rights/").content.decode()
    assert "within 10 business days" in rights and "Within 30 days" in rights
    assert "Commissioner of Administration" in rights and "Public data" in rights


@pytest.fixture
def new_version(settings, tmp_path):
    """The utility's next policy version: a new retention sentence and a new version number."""
    base = settings.BASE_DIR / "policy"
    (tmp_path / "owatonna-policy.txt").write_text(
        (base / "owatonna-policy.txt").read_text() + "\nHourly meter readings are kept three years.\n"
    )
    (tmp_path / "owatonna.toml").write_text(
        (base / "owatonna.toml")
        .read_text()
        .replace(
            'version = "2026.1"\neffective_date = 2026-11-26',
            'version = "2027.1"\neffective_date = 2027-03-01',
        )
    )

    def switch():
        settings.CUSTODIAN_POLICY_FILE = tmp_path / "owatonna.toml"
        _load_cached.cache_clear()

    yield switch
    _load_cached.cache_clear()


def test_versions_are_archived_with_their_differences_and_customers_are_told(
    customer, new_version, capsys, settings
):
    nomail = customer_enrol(
        application=application_for("Nell Nomail", "", "507-555-0404", "0010000004"), submission=PAPER_FORM
    )
    call_command("policy_publish")
    assert "policy 2026.1 archived" in capsys.readouterr().out
    call_command("policy_publish")
    assert "already archived" in capsys.readouterr().out

    new_version()
    call_command(
        "policy_publish", "--change", "Hourly readings are kept three years, then monthly totals.", "--notify"
    )
    out = capsys.readouterr().out
    assert "policy 2027.1 archived" in out and "1 e-mail, 1 letter (" in out
    (sent,) = mail.outbox
    assert sent.to == ["Alice@Example.com"] and "Hourly readings are kept three years" in sent.body
    assert sent.subject == "Our privacy policy changes on March 1, 2027"
    letter = OutboundMessage.objects.get(to_customer=nomail, regarding="policy:2027.1")
    assert letter.channel == "letter" and letter.status == "queued"
    assert PolicyChangeNotice.objects.get().emails == 1
    call_command("policy_publish", "--notify")  # nobody is told twice
    assert "0 e-mails, 0 letters" in capsys.readouterr().out

    listing = Client().get("/privacy/versions/").content.decode()
    assert "Version 2026.1" in listing and "Version 2027.1" in listing
    page = Client().get("/privacy/versions/2027.1/").content.decode()
    assert 'class="diff-add">+Hourly meter readings are kept three years.' in page
    assert 'class="diff-remove">-version = &quot;2026.1&quot;' in page
    assert Client().get("/privacy/versions/1999.9/").status_code == 404

    # A changed policy under a version already archived is refused: it needs a new version.
    path = settings.CUSTODIAN_POLICY_FILE
    path.write_text(path.read_text().replace("held_reads_per_hour = 20", "held_reads_per_hour = 25"))
    _load_cached.cache_clear()
    with pytest.raises(CommandError, match="needs a new version"):
        call_command("policy_publish")
    assert PolicyVersion.objects.count() == 2


def test_the_annual_privacy_report_is_generated_from_the_records(
    customer, privacy_officer, open_request, capsys
):
    on_time = open_request(customer, "privacy_officer", kind="data_access")
    request_close(request=on_time, by=privacy_officer, reason="package sent")
    late = open_request(customer, "privacy_officer", kind="data_access")
    CustomerRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    call_command("retention_run")
    capsys.readouterr()
    year = timezone.localdate().year
    call_command("privacy_report", "--year", str(year))
    report = json.loads(capsys.readouterr().out)
    access = next(r for r in report["requests"] if r["kind"] == "Data access request")
    assert access["received"] == 2 and access["answered_on_time"] == 1 and access["open_overdue"] == 1
    assert {d["item"] for d in report["destruction"]} >= {"Customer account records of closed accounts"}
    page = Client().get("/privacy/report/").content.decode()
    assert f"Privacy report {year}" in page and "Data access request" in page
    with pytest.raises(CommandError, match="no records"):
        call_command("privacy_report", "--year", "1990")


def test_the_report_counts_every_kind_of_request_and_determination_recorded(
    customer, privacy_officer, field_tech, service_rep, open_request
):
    """Each action the rights workflows record shows in the year's counts."""

    def verified(req):
        CustomerRequest.objects.filter(pk=req.pk).update(verification="photo_id", verified_with="passport")
        req.refresh_from_db()
        return req

    data_request_answer(
        request=verified(open_request(customer, "privacy_officer", kind="data_access")), by=privacy_officer
    )
    repeat = verified(open_request(customer, "privacy_officer", kind="data_access"))
    data_request_in_full(request=repeat, by=privacy_officer, reason="Needed whole for a court hearing.")
    data_request_answer(request=repeat, by=privacy_officer)
    data_request_answer(
        request=verified(open_request(customer, "privacy_officer", kind="data_access")), by=privacy_officer
    )
    correction_apply(
        request=open_request(customer, "privacy_officer", kind="correction", verified=True),
        by=privacy_officer,
        values={"phone": "507-555-0100"},
    )
    declined = open_request(customer, "privacy_officer", kind="correction")
    correction_decline(
        request=declined,
        by=privacy_officer,
        explanation="The name is as on the signed application.",
        categories=["name"],
    )
    disagreement_record(
        customer_id=customer.pk,
        request_id=declined.pk,
        categories=["name"],
        statement="My name is spelled with two n's.",
        submission=Submission(channel="portal", notice_key="portal_request"),
    )
    meter = open_request(customer, "privacy_officer", kind="correction")
    meter_challenge_route(request=meter, by=privacy_officer, outcome="reread", note="September doubled")
    meter.refresh_from_db()
    meter_challenge_result(
        request=meter, by=field_tech, result="confirmed", findings="Read again: same figure."
    )
    representative_register(authority=power_of_attorney(customer), by=service_rep)
    open_request(customer, "billing", kind="billing_question")  # a billing question counts too

    report = privacy_report(year=timezone.localdate().year)
    kinds = {r["key"]: r["received"] for r in report["requests"]}
    assert kinds["data_access"] == 3 and kinds["correction"] == 3 and kinds["billing_question"] >= 1
    d, a = report["data_requests"], report["accuracy_challenges"]
    assert d["answered_by_letter"] == 3 and d["repeats_answered_in_full"] == 1
    assert d["repeats_answered_with_what_is_new"] == 1
    assert {"method": "Photo ID shown at the counter", "requests": 3} in d["verified_by"]
    assert (a["corrected"], a["found_accurate"], a["statements_of_disagreement"]) == (1, 1, 1)
    assert (a["meter_sent_to_reread"], a["meter_readings_confirmed"]) == (1, 1)
    assert report["representatives"]["registered"] == 1 and report["representatives"]["in_force"] == 0
    assert report["messages"]["letters"] >= 6  # three answers, two outcomes, the route, the result
    page = Client().get("/privacy/report/").content.decode()
    assert "Meter readings found accurate" in page and "answered in full" in page


@pytest.mark.parametrize(
    "year",
    ["1999", "<h1>Injected</h1><a href=//evil.example>click</a>", "x" * 500, "\u0662\u0660\u0662\u0665"],
    ids=["before-2000", "markup", "long", "other-digits"],
)
def test_a_year_without_a_report_is_refused_in_plain_text(db, client, year):
    response = client.get("/privacy/report/", {"year": year})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "give a year from 2000" in response.content.decode() and len(response.content) < 200
