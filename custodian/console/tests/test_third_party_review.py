"""The privacy officer reviews Connect My Data third parties in the console: sees who they are, what they do
with the data and the scopes in plain words; approves, or refuses and suspends with a reason."""

from custodian.audit.models import AccessEvent
from custodian.connect.models import ThirdParty
from custodian.testing.connect import register


def test_the_privacy_officer_approves_and_suspends_with_a_reason(console, privacy_officer, billing_clerk):
    register()
    third_party = ThirdParty.objects.get()
    officer = console(privacy_officer)
    page = officer.get("/staff/privacy/third-parties/").content.decode()
    assert "Sunny Solar Analytics" in page and "sizing a solar installation" in page
    assert "electricity meter readings for each interval" in page
    review = f"/staff/privacy/third-parties/{third_party.pk}/review/"
    assert console(billing_clerk).post(review, {"decision": "approved"}).status_code == 403
    assert officer.post(review, {"decision": "approved"}).status_code == 302
    third_party.refresh_from_db()
    assert third_party.approved and third_party.reviewed_by == privacy_officer
    officer.post(review, {"decision": "suspended"})  # no reason: not recorded
    third_party.refresh_from_db()
    assert third_party.approved
    officer.post(review, {"decision": "suspended", "note": "customers complained"})
    third_party.refresh_from_db()
    assert third_party.status == "suspended" and third_party.review_note == "customers complained"
    events = AccessEvent.objects.filter(action="third_party_reviewed")
    assert events.count() == 2 and {e.actor_id for e in events} == {str(privacy_officer.pk)}
    assert (
        officer.post("/staff/privacy/third-parties/999999/review/", {"decision": "approved"}).status_code
        == 404
    )
