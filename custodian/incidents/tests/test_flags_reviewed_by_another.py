"""An unusual-access flag on a member of staff's reads is never marked reviewed by that member (a privacy
officer's own flag goes to another), nor by a privacy officer the member added."""

import pytest

from custodian.incidents.flag_reviews import flag_review
from custodian.incidents.models import FlagReview
from custodian.incidents.selectors import Flag
from custodian.incidents.services import IncidentError
from custodian.staff.services import staff_member_create
from custodian.testing import colleague_added


def flag_on(member) -> Flag:
    return Flag("staff", str(member.pk), member.get_username(), "many_customers", 40)


def test_a_privacy_officer_never_reviews_a_flag_on_their_own_reads(privacy_officer):
    other = "the reviewer must be someone other than you: a flag on your own reads"
    with pytest.raises(IncidentError, match=other):
        flag_review(flag=flag_on(privacy_officer), by=privacy_officer, note="All explained")
    assert not FlagReview.objects.exists()


def test_nor_one_on_the_reads_of_whoever_added_them(dba, privacy_officer):
    priya2 = staff_member_create(
        username="petra.privacy", password=None, full_name="Petra Privacy", services=["privacy_officer"]
    )
    paula = colleague_added(privacy_officer, "paula.privacy", ["privacy_officer"], approved_by=dba)
    with pytest.raises(IncidentError, match="paula.privacy was added by priya.privacy"):
        flag_review(flag=flag_on(privacy_officer), by=paula, note="All explained")
    review = flag_review(flag=flag_on(privacy_officer), by=priya2, note="Annual access request batch")
    assert review.reviewed_by == priya2
