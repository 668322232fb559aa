"""My requests and the request form tell Minnesota's deadlines as the policy file's `[deadlines]` gives them
(the due dates are computed from the same figures), in the page's language, one and many alike."""

import re
from dataclasses import replace

import pytest

from custodian.policy import loader
from custodian.testing.portal import signed_in


@pytest.mark.parametrize(
    "access, correction, english, spanish",
    [
        (10, 30, ("10 business days", "30 days"), ("10 días hábiles", "30 días")),
        (1, 21, ("1 business day", "21 days"), ("1 día hábil", "21 días")),
    ],
)
def test_the_deadlines_told_are_the_policy_file_s(
    households, monkeypatch, access, correction, english, spanish
):
    (_, app), _ = households
    client = signed_in(app, "pat@example.com")
    policy = loader.current_policy()
    deadlines = {**policy.deadlines, "data_access_business_days": access, "correction_days": correction}
    monkeypatch.setattr(loader, "_load_cached", lambda path: replace(policy, deadlines=deadlines))
    for language, (days_to_see, days_to_correct) in (("en", english), ("es", spanish)):
        listed = client.get(f"/portal/me/requests/?lang={language}").content.decode()
        form = client.get(f"/portal/me/request/?lang={language}").content.decode()
        for html in (listed, form):
            for days in (days_to_see, days_to_correct):
                assert re.search(rf"(?<![\w]){re.escape(days)}(?![\w])", html), (language, days)
