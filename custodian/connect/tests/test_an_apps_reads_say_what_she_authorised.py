"""An app the customer authorised reads her data on her authorisation, for the purpose she authorised it for:
"Who has seen or changed my data" (the page and the JSON download) says so in her words and language, as
"Who we gave it to" does, never the utility's purpose the gate let the app read under ("Providing or
improving utility services", "Billing"), even for the bills its usage summaries read or a read the gate
refused."""

import json
import re
from datetime import UTC, datetime

from django.utils import translation

from custodian.audit.events import append_events
from custodian.audit.models import AccessEvent
from custodian.audit.selectors import seen_in_words, who_has_seen
from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.tests.test_connect_my_data import fetch
from custodian.connect.tests.test_usage_summaries import WITH_COST, authorised, billed  # noqa: F401
from custodian.testing import consent_given, read_event
from custodian.testing.connect import REGISTRATION, SCOPE, register
from custodian.vault.gate import customer_actor

APP = "Sunny Solar App 2"
SOLAR = REGISTRATION["purpose"]  # "sizing a solar installation for the customer's home"


def app_rows(page: str) -> list[str]:
    """The rows of "Who has seen or changed my data" that name the app, as text."""
    rows = re.findall(r"<tr>(.*?)</tr>", page.replace("&#x27;", "'"), re.S)
    return [re.sub(r"<[^>]+>", " | ", row) for row in rows if APP in row]


def test_an_apps_reads_are_told_by_her_authorisation_and_its_purpose(billed, privacy_officer):  # noqa: F811
    maria, _bill, _content, maria_browser = billed
    authorization, access = authorised(maria_browser, privacy_officer, name=APP, scope=WITH_COST)
    assert fetch(access, f"/espi/1_1/resource/Batch/Subscription/{authorization.pk}").status_code == 200
    reads = AccessEvent.objects.filter(customer_id=str(maria.pk), actor_kind="third_party")
    # The gate let the app read her readings for one of the utility's purposes and her bills for another.
    assert {e.purpose for e in reads} == {"providing_services", "billing"}

    rows = app_rows(maria_browser.get("/portal/me/who-has-seen-my-data/").content.decode())
    assert len(rows) == reads.count() >= 2
    for row in rows:
        assert f"{APP}, an app you authorized" in row
        assert "Your authorization in My account, given on" in row and f"for: {SOLAR}" in row
        assert "Providing or improving utility services" not in row and "Billing" not in row

    download = json.loads(maria_browser.get("/portal/me/download.json").content)
    apps = [a for a in download["accesses"] if a["who"] == f"{APP}, an app you authorized"]
    assert len(apps) == reads.count()
    assert all(a["purpose"].startswith("Your authorization in My account, given on") for a in apps)
    assert all(a["purpose"].endswith(f"for: {SOLAR}") for a in apps)

    spanish = app_rows(maria_browser.get("/portal/me/who-has-seen-my-data/?lang=es").content.decode())
    assert len(spanish) == reads.count()
    for row in spanish:
        assert "Su autorización en Mi cuenta, dada el" in row and f"para: {SOLAR}" in row
        assert "Your authorization" not in row and "Facturación" not in row


def test_a_refused_read_names_her_latest_authorisation_of_the_app_and_never_a_policy_purpose(customer):
    """A read the gate refused names no consent (none stood): it is told by her latest authorisation of the
    app; an app's read told by nothing she authorised says so, never the utility's purpose."""
    client_id, _secret = register(name=APP)
    app = ThirdParty.objects.get(application__client_id=client_id)
    consents = [
        consent_given(
            customer,
            recipient_name=APP,
            method="electronic",
            text_shown=f"I authorise {APP}",
            signed_at=datetime(2026, month, day, 12, tzinfo=UTC),
        )
        for month, day in ((3, 3), (5, 5))
    ]
    for consent in consents:
        Authorization.objects.create(
            customer=customer, third_party=app, consent=consent, scope=SCOPE, services="electric"
        )
    read = {
        "actor_kind": "third_party",
        "actor_id": str(app.pk),
        "actor_label": APP,
        "roles": "connect_my_data",
    }
    append_events(
        [
            read_event(
                customer.pk, **read, categories="meter_usage", purpose="providing_services", reason=why
            )
            for why in (
                f"consent {consents[0].pk}",
                "no consent of this customer in force covers this third party's read",
            )
        ]
        + [read_event(customer.pk, **{**read, "actor_id": "999"}, categories="bills", purpose="billing")]
    )
    stranger, refused, allowed = who_has_seen(
        customer_id=customer.pk, fetched_by=customer_actor(customer.pk)
    )[:3]
    why = [seen.why for seen in seen_in_words([allowed, refused, stranger])]
    assert why == [
        f"Your authorization in My account, given on March 3, 2026, for: {SOLAR}",
        f"Your authorization in My account, given on May 5, 2026, for: {SOLAR}",
        "The purpose you authorized the app for",
    ]
    with translation.override("es"):
        in_spanish = [seen.why for seen in seen_in_words([allowed, stranger])]
    assert in_spanish[0].startswith("Su autorización en Mi cuenta, dada el 3 de marzo de 2026")
    assert in_spanish[1] == "El propósito para el que usted autorizó la aplicación"
