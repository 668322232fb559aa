"""Pat uploads a Green Button file with readings their meter could not have read: every value negated, a
thousandfold multiplier, a year of 1990. Each is refused with what was wrong in it, and the readings Pat
already uploaded are kept as they were."""

import time
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from custodian.testing import espi_layouts as L
from custodian.testing.portal import households, signed_in  # noqa: F401
from custodian.vault import interval_files

HOUR = 3600
RECENT = (int(time.time()) - 10 * 86400) // HOUR * HOUR


def upload(client, name, content):
    return client.post("/portal/me/usage/upload/", {"file": SimpleUploadedFile(name, content)})


def held():
    return sorted(interval_files.block_index())


@pytest.mark.parametrize(
    ("crafted", "said"),
    [
        (L.one_meter([L.hourly(RECENT, 24, value=lambda i: -(400 + i))]), "below zero"),
        (L.one_meter([L.hourly(RECENT, 24, value=lambda i: 472)], power=3), "at most 100000"),
        (L.one_meter([L.hourly(int(datetime(1990, 1, 1, tzinfo=UTC).timestamp()), 48)]), "from 20"),
    ],
    ids=["negated", "thousandfold", "1990"],
)
def test_impossible_readings_are_refused_and_nothing_held_is_lost(households, crafted, said):  # noqa: F811
    (_, app1), _ = households
    client = signed_in(app1, "pat@example.com")
    first = upload(client, "mine.xml", L.feed(*L.one_meter([L.hourly(RECENT, 24, value=lambda i: 400 + i)])))
    assert first.status_code == 200 and "stored 24" in first.content.decode()
    before = held()
    response = upload(client, "crafted.xml", L.feed(*crafted))
    page = response.content.decode()
    assert response.status_code in (400, 422), page[:2000]
    assert said in page and "stored 0" not in page.replace("stored 0 ", "")  # the refusal, by reading
    assert "stored 24" not in page and held() == before
