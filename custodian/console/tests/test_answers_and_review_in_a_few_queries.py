"""The staff console words the events of "who has seen or changed my data" as the portal does, with the same
few queries however many of them apps the customer authorised made: a data request's answer as data (JSON)
and as the letter the customer reads, and the access review's page (50 events) of the customer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from custodian.testing.connect import apps_authorised, apps_read
from custodian.testing.every_category import verified_access_request

ANSWERS = ({"format": "json"}, {})


def queries_of(client, path: str, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ANSWERS, ids=["file", "letter"])
def test_an_answer_asks_the_same_queries_for_200_reads_as_for_5(
    households, privacy_officer, console, open_request, query, django_assert_max_num_queries
):
    (pat, app), _ = households
    req = verified_access_request(pat, app, privacy_officer, open_request)
    priya, path = console(privacy_officer), f"/staff/requests/{req.pk}/package/"
    authorised = apps_authorised(pat)
    apps_read(pat, authorised, 5)
    few = queries_of(priya, path, query)

    apps_read(pat, authorised, 195)
    with django_assert_max_num_queries(few):
        answer = priya.get(path, query).content.decode()
    assert answer.count("Your authorization in My account, given on") == 200


def test_the_access_review_asks_the_same_queries_for_a_page_of_reads_as_for_5(
    customer, privacy_officer, console, django_assert_max_num_queries
):
    # the apps' reads of her data (the privacy officer's own reviews of her events are events of hers too)
    priya, of_alice = console(privacy_officer), {"customer_id": customer.pk, "purpose": "providing_services"}
    authorised = apps_authorised(customer)
    apps_read(customer, authorised, 5)
    few = queries_of(priya, "/staff/privacy/access/", of_alice)

    apps_read(customer, authorised, 45)
    with django_assert_max_num_queries(few):
        review = priya.get("/staff/privacy/access/", of_alice).content.decode()
    assert review.count("Your authorization in My account, given on") == 50
