"""A page refused to a member of staff is an answer, not a failure: the operations log gets one line saying
the path (its ids reduced), the status and the account's id, never a traceback nor anything personal."""

import logging

import pytest


def refusals(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.parametrize(
    ("who", "path", "logged"),
    [
        ("billing_clerk", "/staff/privacy/", "/staff/privacy/"),
        ("dba", "/staff/privacy/incidents/{customer}/", "/staff/privacy/incidents/*/"),
    ],
)
def test_a_page_refused_logs_one_line_without_a_traceback(
    request, console, customer, caplog, who, path, logged
):
    user = request.getfixturevalue(who)
    caplog.set_level(logging.INFO)
    answer = console(user).get(path.format(customer=customer.pk))
    assert answer.status_code == 403
    [record] = refusals(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == f"Forbidden: {logged} (403, account {user.pk})"
    assert "\n" not in logging.Formatter().format(record)  # Django wrote the traceback under it
