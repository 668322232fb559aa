"""A third party's own view with its client credentials (ESPI's client and registration access tokens): its
registration, the authorisations customers gave it, and every standing authorisation's data in one bulk
feed, each customer's read through the gate under that customer's consent and accounted to that customer.
Nothing of another third party's, and nothing for a public client or one not approved."""

import io

from django.test import Client
from lxml import etree

from custodian.audit.models import AccessEvent
from custodian.connect.models import Authorization, ThirdParty
from custodian.connect.services import authorization_revoke, third_party_review
from custodian.connect.tests.test_connect_my_data import (  # noqa: F401 (fixture)
    allow,
    approved_third_party,
    code_exchanged,
    fetch,
    pkce,
    schema,
    token,
)
from custodian.disclosures.models import DisclosureEntry
from custodian.testing.connect import SCOPE, register
from custodian.testing.portal import signed_in

ESPI = "/espi/1_1/resource/"
ESPI_NS = "{http://naesb.org/espi}"


def customer_token(app, email, client_id, secret):
    """The customer signs in, authorises the third party, and the third party trades the code for a
    token."""
    verifier, challenge = pkce()
    _, code = allow(signed_in(app, email), client_id, challenge)
    issued = code_exchanged(client_id, secret, code, verifier)
    assert issued.status_code == 200, issued.content
    return issued.json()["access_token"]


def client_token(client_id, secret, scope="FB=34_35"):
    issued = token(client_id, secret, grant_type="client_credentials", scope=scope)
    assert issued.status_code == 200, issued.content
    body = issued.json()
    assert body["scope"] == scope and "refresh_token" not in body
    return body["access_token"]


def valid(schema, response):  # noqa: F811
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/atom+xml"
    document = etree.parse(io.BytesIO(response.content))
    schema.assertValid(document)
    return document


def test_the_third_party_reads_its_registration_its_authorisations_and_its_customers_in_bulk(
    households,  # noqa: F811
    privacy_officer,
    schema,  # noqa: F811
):
    (pat, pat_app), (sam, sam_app) = households
    client_id, secret = approved_third_party(privacy_officer)
    sunny = ThirdParty.objects.get(application__client_id=client_id)
    customer_token(pat_app, "pat@example.com", client_id, secret)
    customer_token(sam_app, "sam@example.com", client_id, secret)
    pats, sams = Authorization.objects.order_by("pk")
    assert (pats.customer, sams.customer) == (pat, sam)
    admin = client_token(client_id, secret)
    registration = client_token(client_id, secret, scope="FB=36_40")

    # Its registration: as registered, the secret's element empty (only its hash is kept; neither is sent).
    own = valid(schema, fetch(registration, f"{ESPI}ApplicationInformation/{sunny.pk}"))
    info = own.getroot().find(f".//{ESPI_NS}ApplicationInformation")
    assert info.findtext(f"{ESPI_NS}client_id") == client_id
    assert info.findtext(f"{ESPI_NS}client_secret") in ("", None)
    assert info.findtext(f"{ESPI_NS}dataCustodianApplicationStatus") == "2"
    assert info.findtext(f"{ESPI_NS}dataCustodianBulkRequestURI").endswith(f"/Batch/Bulk/{sunny.pk}")
    assert [g.text for g in info.findall(f"{ESPI_NS}grant_types")] == [
        "authorization_code",
        "refresh_token",
        "client_credentials",
    ]
    body = fetch(admin, f"{ESPI}ApplicationInformation/{sunny.pk}").content
    assert secret.encode() not in body and sunny.application.client_secret.encode() not in body

    # Its authorisations: status, scope, period and links; nobody's name, address or account.
    listed = valid(schema, fetch(admin, f"{ESPI}Authorization"))
    entries = listed.getroot().findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2
    first = entries[0].find(f".//{ESPI_NS}Authorization")
    assert first.findtext(f"{ESPI_NS}status") == "1" and first.findtext(f"{ESPI_NS}scope") == SCOPE
    assert first.findtext(f"{ESPI_NS}resourceURI").endswith(f"/Batch/Subscription/{pats.pk}")
    assert first.findtext(f"{ESPI_NS}authorizationURI").endswith(f"/Authorization/{pats.pk}")
    one = valid(schema, fetch(admin, f"{ESPI}Authorization/{sams.pk}"))
    assert one.getroot().tag == "{http://www.w3.org/2005/Atom}entry"
    text = etree.tostring(listed).decode()
    for app in (pat_app, sam_app):
        for field in ("name", "account_number", "service_address", "email", "phone"):
            assert app.personal.get(field, "\0") not in text, field
        for meter in app.meter_numbers.values():
            assert meter not in text
    assert "pat@example.com" not in text and "sam@example.com" not in text

    # The bulk feed: both customers' data, each read through the gate and accounted to that customer.
    bulk = valid(schema, fetch(admin, f"{ESPI}Batch/Bulk/{sunny.pk}"))
    hrefs = {link.get("href") for link in bulk.getroot().iter("{http://www.w3.org/2005/Atom}link")}
    assert any(f"/Subscription/{pats.pk}/UsagePoint/1" in h for h in hrefs)
    assert any(f"/Subscription/{sams.pk}/UsagePoint/1" in h for h in hrefs)
    assert sum(h.endswith("/LocalTimeParameters/1") for h in hrefs) == 1
    for customer, authorization in ((pat, pats), (sam, sams)):
        (entry,) = DisclosureEntry.objects.filter(customer=customer)
        assert entry.recipient_name == "Sunny Solar Analytics" and entry.basis_kind == "consent"
        assert entry.basis_ref == f"consent {authorization.consent_id}: Batch/Bulk/{sunny.pk}"
    reads = AccessEvent.objects.filter(actor_kind="third_party", action__in=["reveal", "reveal_intervals"])
    assert {r.customer_id for r in reads} == {str(pat.pk), str(sam.pk)}

    # Sam revokes: their authorisation says so, and the next bulk feed leaves them out (nothing accounted).
    authorization_revoke(authorization=sams, how="the customer, in the portal")
    status = valid(schema, fetch(admin, f"{ESPI}Authorization/{sams.pk}"))
    assert status.getroot().findtext(f".//{ESPI_NS}status") == "0"
    later = fetch(admin, f"{ESPI}Batch/Bulk/{sunny.pk}")
    valid(schema, later)
    assert f"/Subscription/{sams.pk}/".encode() not in later.content
    assert f"/Subscription/{pats.pk}/".encode() in later.content
    assert DisclosureEntry.objects.filter(customer=sam).count() == 1
    assert DisclosureEntry.objects.filter(customer=pat).count() == 2


def test_nothing_of_another_third_party_and_no_client_token_without_approval_or_secret(
    households,  # noqa: F811
    privacy_officer,
):
    (_, pat_app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    sunny = ThirdParty.objects.get(application__client_id=client_id)
    pats_token = customer_token(pat_app, "pat@example.com", client_id, secret)
    other_id, other_secret = register(name="Other Analytics")
    other = ThirdParty.objects.get(application__client_id=other_id)

    # Not approved yet: the same refusal as an unknown client.
    waiting = token(other_id, other_secret, grant_type="client_credentials", scope="FB=34_35")
    unknown = token("no-such-client", "x", grant_type="client_credentials", scope="FB=34_35")
    assert waiting.status_code == unknown.status_code == 401
    third_party_review(third_party=other, reviewed_by=privacy_officer, decision="approved")
    others = client_token(other_id, other_secret)

    # A client token carries only the administrative scopes: never a scope that reads meter data.
    wider = token(client_id, secret, grant_type="client_credentials", scope=SCOPE)
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    # Without a scope: the client access token.
    default = token(client_id, secret, grant_type="client_credentials")
    assert default.status_code == 200 and default.json()["scope"] == "FB=34_35"
    # A wrong secret: no token.
    assert token(client_id, "wrong", grant_type="client_credentials").status_code == 401

    # Another third party's registration, authorisations and bulk: the same 404 as ones that do not exist.
    sid = Authorization.objects.get().pk
    missing = fetch(others, f"{ESPI}ApplicationInformation/999999")
    for path in (
        f"ApplicationInformation/{sunny.pk}",
        f"Authorization/{sid}",
        f"Batch/Bulk/{sunny.pk}",
        f"Batch/Subscription/{sid}",
    ):
        answer = fetch(others, ESPI + path)
        assert (
            (answer.status_code, answer.content)
            == (missing.status_code, missing.content)
            == (
                404,
                missing.content,
            )
        ), path
    assert b"<entry" not in fetch(others, f"{ESPI}Authorization").content
    assert not DisclosureEntry.objects.exists()

    # A public client has no secret to prove who asks: no token without a customer behind it.
    public_id, _ = register(name="Phone App", public_client="on")
    third_party_review(
        third_party=ThirdParty.objects.get(application__client_id=public_id),
        reviewed_by=privacy_officer,
        decision="approved",
    )
    public = Client().post(
        "/connect/oauth/token/", {"grant_type": "client_credentials", "client_id": public_id}
    )
    assert public.status_code in (400, 401) and "access_token" not in public.json()

    # Suspended: its client token ends with the rest.
    admin = client_token(client_id, secret)
    assert fetch(admin, f"{ESPI}Authorization").status_code == 200
    third_party_review(third_party=sunny, reviewed_by=privacy_officer, decision="suspended", note="review")
    assert fetch(admin, f"{ESPI}Authorization").status_code == 401
    assert fetch(pats_token, f"{ESPI}Authorization").status_code == 401
