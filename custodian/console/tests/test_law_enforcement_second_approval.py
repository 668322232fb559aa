"""The disclosure desk's legal authority, as the privacy officer records it and the colleague in legal she
names approves it from their own console: a subpoena from the police with the law enforcement box left
unticked, and a request under the statute's law enforcement release with it unticked, both wait; the
colleague reads the document on their page, says what it is, who asks and whether that is law enforcement,
and approves it only with their own password; until then nothing is disclosed under it. The privacy officer
can't approve her own, nor name herself; someone outside the privacy office and legal is not let in.

Personas: Priya the privacy officer, Lena of legal (the second approver), Bill the billing clerk, a
customer."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodian.demo.personas import DEMO_PASSWORD
from custodian.disclosures.models import DisclosureEntry, LegalAuthority
from custodian.testing.disclosures import name_disclosure_form

PAGE = "/staff/privacy/disclosures/law-enforcement/"
RECORD = "/staff/privacy/disclosures/authorities/"
DISCLOSE = "/staff/privacy/disclosures/disclose/"
POLICE = "Owatonna Police Department"


def police_form(customer, **over) -> dict:
    return {
        "kind": "statute",
        "citation": "Minn. Stat. § 13.685",
        "statute_release": "A law enforcement agency, for an investigation",
        # the box is left unticked: the release says what the request is
        "requester": POLICE,
        "customer_ids": str(customer.pk),
        "categories": ["name"],
        "valid_until": timezone.localdate() + timedelta(days=7),
        "second_approver": "lena.legal",
        "document": SimpleUploadedFile("letter.pdf", b"%PDF police letter"),
        **over,
    }


def police_subpoena_form(customer, **over) -> dict:
    """A subpoena the police obtained, the law enforcement box left unticked."""
    return (
        police_form(
            customer,
            kind="subpoena",
            citation="Steele County District Court, file 74-CR-26-9",
            statute_release="",
        )
        | over
    )


def disclose_form(authority, customer) -> dict:
    return {
        **name_disclosure_form("legal_authority", authority, customer, POLICE, "investigation"),
        "confirmed": "1",
    }


def read_as(kind: str, law_enforcement: str, password: str = DEMO_PASSWORD, requester: str = POLICE) -> dict:
    return {"kind": kind, "requester": requester, "law_enforcement": law_enforcement, "password": password}


@pytest.mark.parametrize(
    "form, read",
    [(police_form, read_as("statute", "yes")), (police_subpoena_form, read_as("subpoena", "no"))],
    ids=["law enforcement release", "police subpoena, box unticked"],
)
def test_the_colleague_in_legal_approves_in_their_own_session(
    form, read, console, privacy_officer, counsel, billing_clerk, customer
):
    priya, lena = console(privacy_officer), console(counsel)
    recorded = priya.post(RECORD, form(customer), follow=True)
    authority = LegalAuthority.objects.get()
    assert "covers no disclosure until lena.legal approves it" in recorded.content.decode()
    assert authority.awaits_second_approver

    refused = priya.post(DISCLOSE, disclose_form(authority, customer), follow=True)
    assert "waits for its second approver" in refused.content.decode()
    assert not DisclosureEntry.objects.exists()

    # Priya sees it waiting, with no way to approve it herself.
    hers = priya.get(PAGE).content.decode()
    assert "waiting for lena.legal" in hers and "Approve as second approver" not in hers
    assert priya.post(f"{PAGE}{authority.pk}/approve/", read).status_code == 404

    assert "Approve as second approver" in lena.get(PAGE).content.decode()
    document = lena.get(f"{PAGE}{authority.pk}/document/")
    assert document.status_code == 200 and document.content == b"%PDF police letter"
    wrong = lena.post(f"{PAGE}{authority.pk}/approve/", {**read, "password": "not hers"}, follow=True)
    assert "is still waiting" in wrong.content.decode()
    unsaid = lena.post(f"{PAGE}{authority.pk}/approve/", {**read, "kind": ""}, follow=True)
    assert unsaid.status_code == 400
    assert LegalAuthority.objects.get().awaits_second_approver
    done = lena.post(f"{PAGE}{authority.pk}/approve/", read, follow=True)
    assert f"Legal authority {authority.pk} approved" in done.content.decode()
    assert not LegalAuthority.objects.get().awaits_second_approver

    given = priya.post(DISCLOSE, disclose_form(authority, customer))
    assert given.status_code == 200 and DisclosureEntry.objects.count() == 1

    assert console(billing_clerk).get(PAGE).status_code == 403


def test_what_the_colleague_read_is_what_was_recorded(console, privacy_officer, counsel, customer):
    console(privacy_officer).post(RECORD, police_subpoena_form(customer))
    authority = LegalAuthority.objects.get()
    lena = console(counsel)
    for read, refusal in (
        (read_as("subpoena", "yes"), "recorded as not from law enforcement, and you read that it is"),
        (read_as("court_order", "no"), "recorded as “Subpoena”, and you read “Court order”"),
        (read_as("subpoena", "no", requester="Steele County Attorney"), f"recorded as from {POLICE}"),
    ):
        answer = lena.post(f"{PAGE}{authority.pk}/approve/", read, follow=True)
        assert answer.status_code == 400 and refusal in answer.content.decode()
        assert LegalAuthority.objects.get().awaits_second_approver


def test_the_officer_can_not_name_herself(console, privacy_officer, customer):
    answer = console(privacy_officer).post(
        RECORD, police_subpoena_form(customer, second_approver="priya.privacy"), follow=True
    )
    assert answer.status_code == 400
    assert "the second approver must be someone other than you" in answer.content.decode()
    unnamed = console(privacy_officer).post(RECORD, police_subpoena_form(customer, second_approver=""))
    assert unnamed.status_code == 400
    assert not LegalAuthority.objects.exists()
