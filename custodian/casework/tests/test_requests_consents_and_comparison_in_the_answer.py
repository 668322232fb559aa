"""A data request's answer gives, as tables in words the customer reads (English and Spanish), what was
kept of them beyond their values and letters: their requests by the number we gave them, with kind, way,
status and days; who may act for them, what they may do and which data they may see (the policy file's
labels); their consents to give data to others, with whom, what, and when revoked; the apps they let fetch
their data; their requests to delete data; the homes the comparison puts theirs with. Never a key or a
staff member's name."""

from datetime import UTC, date, datetime

from django.utils import translation

from custodian.casework.data_requests import package_build
from custodian.casework.models import CustomerRequest
from custodian.casework.representatives import representative_register, representative_verify
from custodian.connect.models import Authorization, ThirdParty
from custodian.disclosures.services.consents import consent_revoke
from custodian.outbox.models import OutboundMessage
from custodian.retention.models import ErasureRecord
from custodian.testing import consent_given, power_of_attorney
from custodian.testing.connect import register
from custodian.testing.portal import signed_in
from custodian.usage.models import PeerGroupMember, PeerGroupMonth
from custodian.vault.gate import staff_actor

SIGNED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _consent(customer, to: str, contact: str, purpose: str):
    """Ann's consent, signed online, to give `to` her meter usage from January 1, 2026 for `purpose`."""
    return consent_given(
        customer,
        recipient_name=to,
        recipient_contact=contact,
        categories=["meter_usage"],
        purpose=purpose,
        covers_from=date(2026, 1, 1),
        signed_at=SIGNED,
        method="electronic",
        text_shown="I agree",
    )


def kept_of(customer, app, service_rep, privacy_officer) -> CustomerRequest:
    """Ann's data access request, Rosa's authority for her, a consent revoked, an app she authorised, a
    request to delete data carried out and her home's group of similar homes."""
    client = signed_in(app, "ann.signin@example.com")
    client.post(
        "/portal/me/request/",
        {"kind": "data_access", "message": "Everything, please", "notice_shown": "portal_request:2026.1"},
    )
    rep = representative_register(authority=power_of_attorney(customer), by=service_rep)
    representative_verify(rep=rep, by=privacy_officer, invite_url=lambda t: f"http://testserver/{t}/")
    revoked = _consent(
        customer, "Lakeside Energy Audits", "audits@lakeside.example.org", "an energy audit of my home"
    )
    consent_revoke(consent=revoked, how="portal", at=datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    register()
    given = _consent(
        customer, "Sunny Solar Analytics", "privacy@sunny.example.org", "sizing a solar installation"
    )
    Authorization.objects.create(
        customer=customer,
        third_party=ThirdParty.objects.get(name="Sunny Solar Analytics"),
        consent=given,
        scope="FB=1_3_4_5_13_14_39",
        services="electric",
    )
    ErasureRecord.objects.create(
        customer=customer,
        carried_out_at=SIGNED,
        requested_via="phone",
        values_deleted=2,
        online_account_deleted=False,
        answer_letter=OutboundMessage.objects.filter(to_customer=customer).first(),
    )
    group = "single_family|gas|1000-1999|55060/F12|0"
    PeerGroupMember.objects.create(customer=customer, peer_group=group)
    PeerGroupMonth.objects.create(
        peer_group=group,
        premise_type="single_family",
        heating_fuel="gas",
        area="55060/F12",
        size_band="1000-1999",
        month="2026-10",
        homes=112,
        average_kwh=700,
        efficient_kwh=450,
    )
    return CustomerRequest.objects.get(customer=customer, kind="data_access")


def sections(package) -> dict:
    return {s.title: s for s in package.sections}


def test_ann_reads_her_requests_representative_consents_apps_erasures_and_comparison(
    households, service_rep, privacy_officer
):
    (customer, app), _ = households
    req = kept_of(customer, app, service_rep, privacy_officer)
    by_title = sections(package_build(actor=staff_actor(privacy_officer), request=req))

    requests = by_title["Your requests"]
    assert requests.headers == ["Date", "Request", "Kind", "How", "Status"]
    [row] = requests.rows
    assert row[1:4] == [f"Request #{req.pk}", "Data access request", "Customer portal"]
    assert row[4].startswith("open: our answer is due by ")

    [rep] = by_title["Who may act for you"].rows
    assert rep[1:3] == ["Power of attorney", "See the customer's data, bills, usage and letters"]
    assert "Meter usage" in rep[3] and "Bank account" not in rep[3]
    assert rep[4].startswith("in force until ")
    assert not any("Rosa" in cell for cell in rep)

    consents = by_title["Your consents to give your data to others"]
    assert consents.headers == ["Date", "To whom", "For what", "What", "Covering", "Status"]
    lakeside, sunny = consents.rows
    assert lakeside[1:4] == ["Lakeside Energy Audits", "an energy audit of my home", "Meter usage"]
    assert lakeside[4] == "your data from January 1, 2026, until you revoke it"
    assert lakeside[5] == "given in My account; revoked on November 22, 2026 (portal)"
    assert sunny[5] == "given in My account; in force until you revoke it"

    [authorized] = by_title["Apps you let fetch your data (Connect My Data)"].rows
    assert authorized[1:] == ["Sunny Solar Analytics", "electricity", sunny[5]]

    [erased] = by_title["Your requests to delete your data"].rows
    assert erased[1:] == [
        "Phone call",
        "2 items of your data deleted; what we must keep, and why, is in our letter",
    ]

    [compared] = by_title["The homes we compare yours with"].rows
    assert compared == [
        "Single-family home, heated by natural gas, 1,000 to 1,999 square feet, in ZIP code 55060 served by"
        " the same power line as yours",
        "112 homes: we compare your monthly use with theirs",
    ]
    every_cell = [c for s in by_title.values() for row in s.rows for c in row]
    assert not any("F12" in c or "single_family" in c or "data_access" in c for c in every_cell)


def test_ana_reads_the_same_tables_in_spanish(households, service_rep, privacy_officer):
    (customer, app), _ = households
    req = kept_of(customer, app, service_rep, privacy_officer)
    with translation.override("es"):
        by_title = sections(package_build(actor=staff_actor(privacy_officer), request=req))
    [row] = by_title["Sus solicitudes"].rows
    assert row[1] == f"Solicitud n.º {req.pk}" and row[4].startswith("abierta: nuestra respuesta vence el ")
    [rep] = by_title["Quién puede actuar en su nombre"].rows
    assert rep[1] == "Poder notarial" and "Consumo registrado por el medidor" in rep[3]
    assert rep[4].startswith("vigente hasta el ")
    lakeside, _sunny = by_title["Sus consentimientos para dar sus datos a otros"].rows
    assert lakeside[4] == "sus datos desde el 1 de enero de 2026, hasta que lo revoque"
    assert lakeside[5] == "dado en Mi cuenta; revocado el 22 de noviembre de 2026 (portal)"
    [authorized] = by_title["Aplicaciones a las que permitió obtener sus datos (Connect My Data)"].rows
    assert authorized[2] == "electricidad"
    [erased] = by_title["Sus solicitudes para eliminar sus datos"].rows
    assert erased[2].startswith("2 datos suyos eliminados; ")
    [compared] = by_title["Los hogares con los que comparamos el suyo"].rows
    assert compared[0].startswith("Casa unifamiliar, con calefacción de gas natural, de 1,000 a 1,999 pies")
    assert compared[1] == "112 hogares: comparamos su consumo mensual con el de ellos"
