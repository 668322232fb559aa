""" "Who has seen or changed my data" words a page of events with the same few queries however many of them
apps the customer authorised made: the page (up to 500 events), the spreadsheet and the JSON download (every
event) tell each app's read by the authorisation it stood on, asked once for the whole list, not once for
each event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custodian.audit.tree import integrate
from custodian.testing import portal_browser
from custodian.testing.connect import APPS_READING, apps_authorised, apps_read

PAGES = ("/portal/me/who-has-seen-my-data/", "/portal/me/download.csv", "/portal/me/download.json")


def read_and_logged(customer, authorised, count: int) -> None:
    """`count` more reads by the apps, in the published log as the sequencer leaves them (a receipt's
    proof is then read, not made)."""
    apps_read(customer, authorised, count)
    integrate()


def queries_of(browser, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_the_queries_do_not_grow_with_the_apps_reads(customer, path, django_assert_max_num_queries):
    alice = portal_browser(customer, "alice")
    authorised = apps_authorised(customer)
    read_and_logged(customer, authorised, 5)
    few = queries_of(alice, path)

    read_and_logged(customer, authorised, 195)
    with django_assert_max_num_queries(few):
        page = alice.get(path).content.decode()
    # Every read is there, told by its authorisation: the three apps, each on its two.
    assert page.count("Your authorization in My account, given on") == 200
    assert sum(page.count(f"{app}, an app you authorized") for app in APPS_READING) == 200
    assert all(f"{app}, an app you authorized" in page for app in APPS_READING)
    assert "given on March 3, 2026" in page and "given on May 5, 2026" in page
    assert "Providing or improving utility services" not in page
