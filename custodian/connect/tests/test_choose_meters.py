"""A customer with several meters of a service chooses which of them a third party receives, on the consent
screen; the words they agree to name the meters, and the third party receives those and no other. A
customer with one meter of each service is not asked."""

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone
from lxml import etree

from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.services import third_party_review
from custodian.connect.tests.test_connect_my_data import (  # noqa: F401 (fixture)
    authorize_url,
    code_exchanged,
    fetch,
    pkce,
    schema,
    token,
)
from custodian.disclosures.selectors import consent_words
from custodian.testing import meter_complaint
from custodian.testing.connect import REDIRECT, register
from custodian.testing.portal import signed_in
from custodian.usage.greenbutton_import import ImportResult, Reading
from custodian.usage.intervals import usage_import
from custodian.vault.gate import customer_actor
from custodian.vault.interval_files import month_bounds, month_of
from custodian.vault.services import Submission

SEVERAL_METERS = "FB=1_3_4_5_13_14_18_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
ESPI = "{http://naesb.org/espi}"


def two_electric_meters(customer, field_tech):
    """A day of hourly readings on each of two electricity meters: 500 Wh an hour on the first, 700 on the
    second, last month."""
    start = month_bounds(month_of(int((timezone.now() - timedelta(days=40)).timestamp())))[0]
    readings = [Reading("one", "a", start + 3600 * i, 3600, 500.0, "Wh", 1) for i in range(24)]
    readings += [Reading("two", "b", start + 3600 * i, 3600, 700.0, "Wh", 1) for i in range(24)]
    summary = usage_import(
        customer_id=customer.pk,
        result=ImportResult(readings=readings, usage_points={"one": "electric", "two": "electric"}),
        # The utility's meter readings (what a third party is served), from the metering system's file.
        submission=Submission(channel="meter", notice_key="metering", recorded_by_label="metering system"),
        imported_by=field_tech,
        request_id=meter_complaint(customer),
    )
    assert summary.readings_stored == 48


def answer(customer_client, client_id, challenge, **choices):
    form = {
        "allow": "on",
        "redirect_uri": REDIRECT,
        "scope": SEVERAL_METERS,
        "client_id": client_id,
        "state": "xyz",
        "response_type": "code",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "services": ["electric"],
        "duration": "365",
        **choices,
    }
    return customer_client.post("/portal/connect/authorize/", form)


def test_a_customer_with_two_meters_shares_one_of_them(households, privacy_officer, field_tech, schema):  # noqa: F811
    (pat, pat_app), (_, sam_app) = households
    two_electric_meters(pat, field_tech)
    client_id, secret = register(scopes=SEVERAL_METERS)
    third_party_review(
        third_party=ThirdParty.objects.get(application__client_id=client_id),
        reviewed_by=privacy_officer,
        decision="approved",
    )

    # Sam has one electricity meter: nothing to choose.
    sams = signed_in(sam_app, "sam@example.com").get(
        authorize_url(client_id, pkce()[1], scope=SEVERAL_METERS)
    )
    assert sams.status_code == 200 and "Which of your meters" not in sams.content.decode()

    pats_client = signed_in(pat_app, "pat@example.com")
    verifier, challenge = pkce()
    screen = pats_client.get(authorize_url(client_id, challenge, scope=SEVERAL_METERS))
    page = screen.content.decode()
    assert "Which of your meters" in page and "Electricity meter 1" in page and "Electricity meter 2" in page

    # None of them, or one they don't have: refused with the reason, no code, nothing recorded.
    none = answer(pats_client, client_id, challenge, usage_points=[])
    assert none.status_code == 400 and "choose at least one electricity meter" in none.content.decode()
    pats_client.get(authorize_url(client_id, challenge, scope=SEVERAL_METERS))
    other = answer(pats_client, client_id, challenge, usage_points=["electric#5"])
    assert other.status_code != 302 and "code=" not in other.get("Location", "")
    assert not Authorization.objects.exists()

    pats_client.get(authorize_url(client_id, challenge, scope=SEVERAL_METERS))
    allowed = answer(pats_client, client_id, challenge, usage_points=["electric#2"])
    assert allowed.status_code == 302, allowed.content.decode()[:2000]
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    authorization = Authorization.objects.get()
    assert authorization.usage_point_list == ["electric#2"]
    words = consent_words(actor=customer_actor(pat.pk), customer_id=pat.pk, purpose="providing_services")[
        authorization.consent.sealed_ref
    ]
    assert "my electricity (meter 2 of my 2 only) meter data" in words.text_shown

    tokens = code_exchanged(client_id, secret, code, verifier).json()
    batch = fetch(tokens["access_token"], f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}")
    assert batch.status_code == 200
    feed = etree.parse(io.BytesIO(batch.content))
    schema.assertValid(feed)
    assert len(feed.getroot().findall(f".//{ESPI}UsagePoint")) == 1
    values = {int(v.text) for v in feed.getroot().iter(f"{ESPI}value")}
    assert values == {700}
    listed = pats_client.get("/portal/me/connected-apps/").content.decode()
    assert "Electricity (electricity meter 2)" in listed
