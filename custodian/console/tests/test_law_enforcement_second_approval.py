"""The disclosure desk's law enforcement request, as the privacy officer records it and the colleague in
legal she names approves it from their own console: recorded with the statute's law enforcement release and
the box left unticked, it still waits; the colleague reads it on their page and approves it only with their
own password; until then nothing is disclosed under it. Someone outside the privacy office and legal is not
let in.

Personas: Priya the privacy officer, Lena of legal (the second approver), Bill the billing clerk, a
customer."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodian.demo.personas import DEMO_PASSWORD
from custodian.disclosures.models import DisclosureEntry, LegalAuthority
from custodian.testing.disclosures import name_disclosure_form

PAGE = "/staff/privacy/disclosures/law-enforcement/"


def police_form(customer) -> dict:
    return {
        "kind": "statute",
        "citation": "Minn. Stat. § 13.685",
        "statute_release": "A law enforcement agency, for an investigation",
        # the box is left unticked: the release says what the request is
        "requester": "Owatonna Police Department",
        "customer_ids": str(customer.pk),
        "categories": ["name"],
        "valid_until": timezone.localdate() + timedelta(days=7),
        "second_approver": "lena.legal",
        "document": SimpleUploadedFile("letter.pdf", b"%PDF police letter"),
    }


def disclose_form(authority, customer) -> dict:
    return {
        **name_disclosure_form(
            "legal_authority", authority, customer, "Owatonna Police Department", "investigation"
        ),
        "confirmed": "1",
    }


def test_the_colleague_in_legal_approves_in_their_own_session(
    console, privacy_officer, counsel, billing_clerk, customer
):
    priya, lena = console(privacy_officer), console(counsel)
    recorded = priya.post("/staff/privacy/disclosures/authorities/", police_form(customer), follow=True)
    authority = LegalAuthority.objects.get()
    assert "covers no disclosure until lena.legal approves it" in recorded.content.decode()
    assert authority.is_law_enforcement and authority.awaits_second_approver

    refused = priya.post(
        "/staff/privacy/disclosures/disclose/", disclose_form(authority, customer), follow=True
    )
    assert "waits for its second approver" in refused.content.decode()
    assert not DisclosureEntry.objects.exists()

    # Priya sees it waiting, with no way to approve it herself.
    hers = priya.get(PAGE).content.decode()
    assert "waiting for lena.legal" in hers and "Approve as second approver" not in hers
    assert priya.post(f"{PAGE}{authority.pk}/approve/", {"password": DEMO_PASSWORD}).status_code == 404

    assert "Approve as second approver" in lena.get(PAGE).content.decode()
    document = lena.get(f"{PAGE}{authority.pk}/document/")
    assert document.status_code == 200 and document.content == b"%PDF police letter"
    wrong = lena.post(f"{PAGE}{authority.pk}/approve/", {"password": "not hers"}, follow=True)
    assert "is still waiting" in wrong.content.decode()
    assert LegalAuthority.objects.get().awaits_second_approver
    done = lena.post(f"{PAGE}{authority.pk}/approve/", {"password": DEMO_PASSWORD}, follow=True)
    assert f"Law enforcement request {authority.pk} approved" in done.content.decode()
    assert not LegalAuthority.objects.get().awaits_second_approver

    given = priya.post("/staff/privacy/disclosures/disclose/", disclose_form(authority, customer))
    assert given.status_code == 200 and DisclosureEntry.objects.count() == 1

    assert console(billing_clerk).get(PAGE).status_code == 403
