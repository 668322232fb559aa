"""The accuracy challenge's page tells the privacy officer the days to answer in as the policy file's
`[deadlines]` gives them, the figure the request's due date is computed from (Minnesota § 13.04 subd. 4)."""

from dataclasses import replace

import pytest

from custodian.policy import loader
from custodian.testing.mailed_correction import correction_mailed


@pytest.mark.parametrize(
    "days, words", [(30, "Within 30 days:"), (21, "Within 21 days:"), (1, "Within 1 day:")]
)
def test_the_days_to_answer_a_challenge_are_the_policy_file_s(
    households, privacy_officer, console, tmp_path, monkeypatch, days, words
):
    (_, app), _ = households
    req = correction_mailed(tmp_path, app, app.personal["email"])
    policy = loader.current_policy()
    deadlines = {**policy.deadlines, "correction_days": days}
    monkeypatch.setattr(loader, "_load_cached", lambda path: replace(policy, deadlines=deadlines))
    page = console(privacy_officer).get(f"/staff/requests/{req.pk}/").content.decode()
    assert "Answer the accuracy challenge" in page
    assert words in page
