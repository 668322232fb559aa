"""The bill run asks the database the same number of questions for a chunk of two accounts as for a chunk of
six: a chunk's reads, access events, sealed bills, bills and charges are each one statement (or a fixed
few), never one per account."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from custodian.billing import services
from custodian.billing.services import bill_run
from custodian.testing.billing import YEAR, household


def test_the_queries_of_a_chunk_do_not_grow_with_its_accounts(db, monkeypatch):
    for i in range(6):
        household(f"Queries {i}", f"00310000{i:02d}", YEAR)
    real = services._bill_chunk
    counted: list[tuple[int, int]] = []

    def counting(part, *args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            issued = real(part, *args, **kwargs)
        counted.append((len(part), len(queries.captured_queries)))
        return issued

    monkeypatch.setattr(services, "_bill_chunk", counting)
    assert bill_run(cycle="2026-09", chunk=2) == 6  # three chunks of two
    assert bill_run(cycle="2026-10", chunk=6) == 6  # one chunk of six
    assert [n for n, _ in counted] == [2, 2, 2, 6]
    assert len({q for _, q in counted}) == 1, counted
