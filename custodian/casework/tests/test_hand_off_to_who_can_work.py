"""A request is handed only to a service the policy file lets work it (read its messages and contact the
customer; a data access request also needs a service that reviews access), and only such a service closes
it. The hand-off list of the request's page, the hand-off itself and the close step agree, for every kind
of request and every service; a service that may not look up accounts is told so, not that there is no
account."""

import pytest

from custodian.casework.choices import RequestKind, RequestStatus
from custodian.casework.services import RequestError, request_close, request_hand_off, request_open
from custodian.console.forms import HandOffForm
from custodian.policy.loader import current_policy

# Who may work each kind of request, as the policy file reads (written out here, not derived from the code).
WORKERS = {"customer_service", "billing", "collections", "field_services", "privacy_officer", "legal"}
EXPECTED = {kind: WORKERS for kind in RequestKind.values} | {RequestKind.DATA_ACCESS: {"privacy_officer"}}


def test_the_table_covers_every_service_of_the_policy_file():
    assert set(current_policy().services) > WORKERS
    assert {"web", "marketing", "it_database"} == set(current_policy().services) - WORKERS


@pytest.mark.parametrize("kind", RequestKind.values)
def test_the_hand_off_list_the_hand_off_and_the_close_agree_with_the_policy(
    kind, all_staff, privacy_officer, customer
):
    offered = {k for k, _ in HandOffForm(kind=kind).fields["to_service"].choices}
    assert offered == EXPECTED[kind]
    for service, member in all_staff.items():
        req = request_open(customer=customer, kind=kind, channel="phone", owning_service="privacy_officer")
        if service in EXPECTED[kind]:
            request_hand_off(request=req, to_service=service, reason="theirs to answer", by=privacy_officer)
            assert req.owning_service == service
        else:
            label = current_policy().services[service].label
            with pytest.raises(RequestError, match=f"{label} can't work this request"):
                request_hand_off(
                    request=req, to_service=service, reason="theirs to answer", by=privacy_officer
                )
            req.refresh_from_db()
            assert req.owning_service == "privacy_officer"
        # However it came to be owned by the service, that service closes it only if it may act on it.
        owned = request_open(customer=customer, kind=kind, channel="phone", owning_service=service)
        if service in EXPECTED[kind]:
            request_close(request=owned, by=member, reason="answered")
            assert owned.status == RequestStatus.CLOSED
        else:
            with pytest.raises(RequestError, match="your service may not act on this request"):
                request_close(request=owned, by=member, reason="answered")
            owned.refresh_from_db()
            assert owned.status == RequestStatus.OPEN


def test_the_privacy_officer_cannot_hand_a_privacy_question_to_the_web_editor(
    console, privacy_officer, customer, open_request
):
    req = open_request(customer, "privacy_officer", kind=RequestKind.PRIVACY_QUESTION)
    client = console(privacy_officer)
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert 'value="legal"' in page and 'value="web"' not in page and 'value="marketing"' not in page
    refused = client.post(
        f"/staff/requests/{req.pk}/hand-off/",
        {"to_service": "web", "reason": "about the website"},
        follow=True,
    )
    assert "Select a valid choice" in refused.content.decode() or "can't work this request" in (
        refused.content.decode()
    )
    req.refresh_from_db()
    assert req.owning_service == "privacy_officer"


def test_the_web_editor_neither_closes_nor_looks_up_a_request_she_cannot_work(
    console, web_editor, customer, open_request
):
    req = open_request(customer, "web", kind=RequestKind.PRIVACY_QUESTION)
    client = console(web_editor)
    page = client.get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Your service may not act on this request: hand it to a service that can." in page
    assert "Close the request" not in page
    closed = client.post(
        f"/staff/requests/{req.pk}/close/", {"reason": "Done", "confirmed": "1"}, follow=True
    )
    assert "Your service may not act on this request, so it can&#x27;t close it" in closed.content.decode()
    verified = client.post(
        f"/staff/requests/{req.pk}/verify/",
        {"method": "photo_id", "verified_with": "drivers_license", "account_number": "0010000001"},
        follow=True,
    ).content.decode()
    assert "Your service may not look up accounts for this request" in verified
    assert "No account with that number" not in verified
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and not req.is_verified
