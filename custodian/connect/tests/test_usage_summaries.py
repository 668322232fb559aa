"""Connect My Data serves usage summaries from the bills (ESPI function blocks 15 and 16) to a third party
whose authorisation asks for them: 15 the billing period and use of each bill, 16 its amounts too, 28 (with
16) the cost of the current period so far (billToDate). The
consent names the bills; each bill read is an access event of the third party through the gate, and each
resource served an entry in the customer's accounting of disclosures naming the bills. A scope without 15
or 16 reads no bill and serves no summary."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.billing.services import bill_run
from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.scopes import ScopeError, scope_parse
from custodian.connect.services import third_party_review
from custodian.connect.tests.test_client_credentials import client_token
from custodian.connect.tests.test_connect_my_data import (
    authorize_url,
    code_exchanged,
    consent_answer,
    fetch,
    pkce,
)
from custodian.disclosures.models import DisclosureEntry
from custodian.testing.billing import NS, check_summary_is_the_bills, last_month_billed, schema_valid
from custodian.testing.connect import register
from custodian.testing.portal import signed_in
from custodian.vault.interval_files import LOCAL, month_bounds

WITH_COST = "FB=1_3_4_5_13_14_15_16_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
USE_ONLY = "FB=1_3_4_5_13_14_15_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
NO_SUMMARY = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
TO_DATE = "FB=1_3_4_5_13_14_15_16_28_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"


def authorised(customer_client, privacy_officer, *, name: str, scope: str, credentials=None):
    """A third party registered with `scope`, approved, authorised by the signed-in customer for their
    electricity (the consent screen's words checked against the scope); its access token. `credentials`, a
    dict, receives its client id and secret."""
    client_id, secret = register(name=name, scopes=scope)
    if credentials is not None:
        credentials.update(client_id=client_id, secret=secret)
    third_party_review(
        third_party=ThirdParty.objects.get(application__client_id=client_id),
        reviewed_by=privacy_officer,
        decision="approved",
    )
    verifier, challenge = pkce()
    page = customer_client.get(authorize_url(client_id, challenge, scope=scope))
    assert page.status_code == 200, page.content.decode()[:2000]
    words = page.content.decode()
    assert ("a summary of each bill" in words) == ("_15_" in scope)
    assert ("each bill&#x27;s amounts" in words or "each bill's amounts" in words) == ("_16_" in scope)
    form = consent_answer(
        client_id,
        scope=scope,
        code_challenge=challenge,
        code_challenge_method="S256",
        services=["electric"],
        duration="365",
    )
    answer = customer_client.post("/portal/connect/authorize/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    issued = code_exchanged(client_id, secret, code, verifier)
    assert issued.status_code == 200, issued.content
    authorization = Authorization.objects.get(third_party__application__client_id=client_id)
    return authorization, issued.json()["access_token"]


def last_event() -> int:
    """The latest access event's number: the events after it are the ones a fetch logged."""
    return AccessEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def summaries_of(body: bytes) -> list:
    return etree.fromstring(body).findall(".//espi:UsageSummary", NS)


@pytest.fixture
def billed(metered):  # noqa: F811
    """The customer with a year of metered readings, their last month billed, signed in on the portal:
    (customer, bill, its content, the customer's browser)."""
    customer, app, months = metered
    bill, content = last_month_billed(customer, months)
    return customer, bill, content, signed_in(app, "summaries@example.com")


def test_a_third_party_with_15_and_16_receives_each_bills_figures_and_the_customer_sees_it(
    billed, privacy_officer
):
    customer, bill, content, customer_client = billed
    credentials = {}
    authorization, access = authorised(
        customer_client, privacy_officer, name="Bill Explainer", scope=WITH_COST, credentials=credentials
    )
    assert set(authorization.consent.category_list) == {"meter_usage", "bills"}

    sid = authorization.pk
    before = last_event()
    whole = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{sid}")
    assert whole.status_code == 200
    schema_valid(whole.content)
    (summary,) = summaries_of(whole.content)
    check_summary_is_the_bills(summary, content, bill, "electric")
    bill_reads = AccessEvent.objects.filter(
        seq__gt=before, actor_kind="third_party", categories="bills", purpose="billing", decision="allow"
    )
    assert bill_reads.count() == 1

    one = fetch(access, f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/UsageSummary/1")
    assert one.status_code == 200
    schema_valid(one.content)
    check_summary_is_the_bills(summaries_of(one.content)[0], content, bill, "electric")
    listed = fetch(access, f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/UsageSummary")
    assert listed.status_code == 200 and len(summaries_of(listed.content)) == 1
    assert (
        fetch(access, f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/UsageSummary/2").status_code == 404
    )

    # Deny by default: the same path with any other token is the one 404 (another third party's customer
    # token, this third party's own client token), and 401 without one.
    path = f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/UsageSummary/1"
    _, other = authorised(customer_client, privacy_officer, name="Meter Watcher", scope=NO_SUMMARY)
    assert fetch(other, path).status_code == 404
    assert fetch(client_token(credentials["client_id"], credentials["secret"]), path).status_code == 404
    assert Client().get(path).status_code == 401

    entries = DisclosureEntry.objects.filter(customer=customer, recipient_name="Bill Explainer")
    by_ref = {e.basis_ref.split(": ", 1)[1]: set(e.category_list) for e in entries}
    assert by_ref[f"Subscription/{sid}/UsagePoint/1/UsageSummary/1"] == {"meter_usage", "bills"}
    assert by_ref[f"Batch/Subscription/{sid}"] == {"meter_usage", "bills"}
    # A resource without a summary discloses no bill.
    assert (
        fetch(access, f"/espi/1_1/resource/Subscription/{sid}/UsagePoint/1/MeterReading/1").status_code == 200
    )
    entry = entries.order_by("-pk").first()
    assert entry.basis_ref.endswith("MeterReading/1") and entry.category_list == ["meter_usage"]
    # The customer sees what this third party received under "Who we gave it to".
    page = customer_client.get("/portal/me/who-we-gave-it-to/")
    assert page.status_code == 200 and "Bill Explainer" in page.content.decode()


def test_15_alone_gives_period_and_use_without_amounts_and_no_summary_without_either(billed, privacy_officer):
    _, bill, content, customer_client = billed

    use_only, access = authorised(customer_client, privacy_officer, name="Use Tracker", scope=USE_ONLY)
    body = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{use_only.pk}").content
    schema_valid(body)
    (summary,) = summaries_of(body)
    check_summary_is_the_bills(summary, content, bill, "electric", with_cost=False)

    plain, access = authorised(customer_client, privacy_officer, name="Meter Watcher", scope=NO_SUMMARY)
    assert plain.consent.category_list == ["meter_usage"]
    before = last_event()
    body = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{plain.pk}").content
    schema_valid(body)
    assert b"UsageSummary" not in body
    assert not AccessEvent.objects.filter(seq__gt=before, categories__contains="bills").exists()
    path = f"/espi/1_1/resource/Subscription/{plain.pk}/UsagePoint/1/UsageSummary/1"
    assert fetch(access, path).status_code == 404


def test_a_customer_without_bills_gives_no_empty_summary(households, privacy_officer):  # noqa: F811
    (_, app), _ = households
    customer_client = signed_in(app, "pat@example.com")
    authorization, access = authorised(
        customer_client, privacy_officer, name="Bill Explainer", scope=WITH_COST
    )
    before = last_event()
    body = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}").content
    schema_valid(body)
    assert b"UsageSummary" not in body
    assert not AccessEvent.objects.filter(seq__gt=before, categories__contains="bills").exists()


def test_15_and_16_are_scope_strings_served_and_17_is_still_refused_by_number():
    assert scope_parse(WITH_COST).function_blocks[-3:] == (15, 16, 39)
    try:
        scope_parse("FB=1_4_5_17")
    except ScopeError as refusal:
        assert "17" in str(refusal)
    else:
        raise AssertionError("function block 17 is not served")


def test_the_current_periods_cost_only_with_28_and_28_only_with_16(metered, privacy_officer):  # noqa: F811
    """A bill issued on the 10th of the month after its period, the days between read hour by hour: a third
    party with 28 receives billToDate in the summary, one with 15 and 16 alone does not."""
    customer, app, months = metered
    first = datetime.fromtimestamp(month_bounds(months[-1]["month"])[0], LOCAL).date()
    assert bill_run(cycle=months[-2]["month"], issued_on=first + timedelta(days=9)) == 1
    customer_client = signed_in(app, "to-date@example.com")
    found = {}
    for name, scope in (("Bill Explainer", WITH_COST), ("Cost Tracker", TO_DATE)):
        authorization, access = authorised(customer_client, privacy_officer, name=name, scope=scope)
        body = fetch(access, f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}").content
        schema_valid(body)
        (summary,) = [
            s
            for s in summaries_of(body)
            if s.find("espi:currentBillingPeriodOverAllConsumption", NS) is not None
        ]
        found[name] = summary.findtext("espi:billToDate", namespaces=NS)
    assert found["Bill Explainer"] is None
    assert int(found["Cost Tracker"]) > 0
    with pytest.raises(ScopeError, match="28"):
        scope_parse("FB=1_4_5_15_28")
