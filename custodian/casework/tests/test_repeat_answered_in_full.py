"""A repeat data request within six months is answered with what is new (Minn. Stat. § 13.04 subd. 3 lets the
utility wait), unless the privacy officer decides to answer it in full anyway: only the privacy officer, only
with a reason (kept on the request), the decision in the access log; the answer then holds everything."""

import pytest

from custodian.audit.models import AccessEvent
from custodian.casework.data_requests import (
    data_request_answer,
    data_request_in_full,
    package_build,
    repeat_of,
)
from custodian.casework.models import CustomerRequest, RequestStatus
from custodian.casework.services import RequestError
from custodian.vault.gate import staff_actor

REASON = "Alice's attorney needs the whole record for a hearing on the 14th."


def verified(request):
    CustomerRequest.objects.filter(pk=request.pk).update(verification="photo_id", verified_with="passport")
    request.refresh_from_db()
    return request


@pytest.fixture
def repeat(customer, privacy_officer, open_request):
    """Alice was answered this month and asks again."""
    first = verified(open_request(customer, "privacy_officer", kind="data_access"))
    data_request_answer(request=first, by=privacy_officer)
    again = verified(open_request(customer, "privacy_officer", kind="data_access"))
    assert repeat_of(again) == first
    return again


def test_the_privacy_officer_answers_a_repeat_in_full_with_a_reason_on_the_record(repeat, privacy_officer):
    data_request_in_full(request=repeat, by=privacy_officer, reason=REASON)
    assert repeat_of(repeat) is None
    package = package_build(actor=staff_actor(privacy_officer), request=repeat)
    assert package.repeat_of is None and "six months" not in package.intro
    now = next(s for s in package.sections if s.title == "The data we hold about you now")
    assert "Name" in [row[0] for row in now.rows]  # everything, not only what is new
    assert repeat.history.get(action="in_full").reason == REASON
    event = AccessEvent.objects.get(action="repeat_answered_in_full")
    assert event.customer_id == str(repeat.customer_id) and event.request_id == str(repeat.pk)
    assert "hearing" not in event.reason  # the reason stays on the request
    data_request_answer(request=repeat, by=privacy_officer)
    repeat.refresh_from_db()
    assert repeat.status == RequestStatus.CLOSED and not repeat.history.filter(action="repeat").exists()


def test_nobody_else_and_no_reason_no_override(repeat, privacy_officer, service_rep, customer, open_request):
    with pytest.raises(RequestError, match="only the privacy officer"):
        data_request_in_full(request=repeat, by=service_rep, reason=REASON)
    with pytest.raises(RequestError, match="say why"):
        data_request_in_full(request=repeat, by=privacy_officer, reason="because")
    first_ever = verified(open_request(customer, "privacy_officer", kind="data_access"))
    CustomerRequest.objects.exclude(pk=first_ever.pk).delete()
    with pytest.raises(RequestError, match="not a repeat"):
        data_request_in_full(request=first_ever, by=privacy_officer, reason=REASON)
    assert not AccessEvent.objects.filter(action="repeat_answered_in_full").exists()


def test_the_console_offers_it_to_the_privacy_officer_on_a_repeat(repeat, privacy_officer, console):
    client = console(privacy_officer)
    page = client.get(f"/staff/requests/{repeat.pk}/").content.decode()
    assert "A repeat" in page and "Answer in full anyway" in page
    response = client.post(f"/staff/requests/{repeat.pk}/in-full/", {"reason": REASON})
    assert response.status_code == 302
    assert "Answer in full anyway" not in client.get(f"/staff/requests/{repeat.pk}/").content.decode()
    assert repeat.history.filter(action="in_full").count() == 1
