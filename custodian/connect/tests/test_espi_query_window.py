"""A third party narrows what it fetches by ESPI's published-min and published-max (min inclusive, max
exclusive, xs:dateTime): only the readings of that time are served, the answer still valid against the ESPI
schema; a value that is not a date and time, a window that ends before it starts and updated-min/-max (the
entries are written afresh at each request, so they would select all or nothing) get 400 naming the
parameter, never a silent whole feed."""

import io
from datetime import UTC, datetime

import pytest
from lxml import etree

from custodian.connect.models import Authorization
from custodian.connect.tests.test_client_credentials import customer_token
from custodian.connect.tests.test_connect_my_data import approved_third_party, fetch
from custodian.testing import project_file

ESPI = "{http://naesb.org/espi}"


@pytest.fixture
def sunny(households, privacy_officer):  # noqa: F811
    """Sunny Solar Analytics, authorised by Pat: its token and Pat's subscription's batch address."""
    (_, pat_app), _ = households
    client_id, secret = approved_third_party(privacy_officer)
    access = customer_token(pat_app, "pat@example.com", client_id, secret)
    return access, f"/espi/1_1/resource/Batch/Subscription/{Authorization.objects.get().pk}"


def reading_starts(body: bytes) -> list[int]:
    root = etree.parse(io.BytesIO(body))
    etree.XMLSchema(etree.parse(str(project_file("reference/greenbutton/schema/espi.xsd")))).assertValid(root)
    return [int(e.text) for e in root.iter(f"{ESPI}IntervalReading") for e in e.iter(f"{ESPI}start")]


def stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_published_min_and_max_narrow_the_readings_served(sunny):
    access, batch = sunny
    every = reading_starts(fetch(access, batch).content)
    assert len(every) >= 12  # the subscription's whole history: a year of months
    every.sort()
    low, high = every[3], every[6]
    window = fetch(access, f"{batch}?published-min={stamp(low)}&published-max={stamp(high)}")
    assert window.status_code == 200
    assert sorted(reading_starts(window.content)) == sorted(s for s in every if low <= s < high)
    since = reading_starts(fetch(access, f"{batch}?published-min={stamp(low)}").content)
    assert since and min(since) == low
    before_any = fetch(access, f"{batch}?published-max=2000-01-01T00:00:00Z")
    assert before_any.status_code == 200 and reading_starts(before_any.content) == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("published-min=yesterday", "published-min"),
        ("published-max=2026-13-01T00:00:00Z", "published-max"),
        ("published-min=2026-01-01", "published-min"),
        ("published-min=2026-02-01T00:00:00Z&published-max=2026-01-01T00:00:00Z", "published-min"),
        ("updated-min=2026-01-01T00:00:00Z", "updated-min"),
    ],
)
def test_a_parameter_it_cannot_honour_is_refused_by_name(sunny, query, named):
    access, batch = sunny
    response = fetch(access, f"{batch}?{query}")
    assert response.status_code == 400 and response.content.decode().startswith(named + ":")
