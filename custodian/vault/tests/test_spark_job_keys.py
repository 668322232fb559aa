"""Data keys for Spark executors: wrapped under a per-job key, after the access events are committed, never
in clear in a task and never the master key; a wrapped key opens only for its job and customer."""

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from custodian.audit.models import AccessEvent
from custodian.vault import sealing
from custodian.vault.gate import (
    Denied,
    TotalsAsk,
    month_totals_on_spark,
    spark_blocks,
    spark_totals,
    system_actor,
)
from custodian.vault.gate.month_totals import _data_keys
from custodian.vault.tests.test_month_totals import MONTHS, _stored


def test_a_task_carries_the_files_and_wrapped_keys_never_a_clear_data_key_or_the_master_key(
    customer, other_customer
):
    _stored(customer, other_customer)
    ids = [customer.pk, other_customer.pk]
    clear = _data_keys(ids)
    job_key = bytes(range(32))
    rows = spark_totals.job_tasks([ids], MONTHS, "electric", job_key, "job-1")
    # One task per month-shard file, with the keys of the job's customers in that shard.
    assert sorted((r[1], tuple(r[4])) for r in rows) == [("2026-02", tuple(ids)), ("2026-03", tuple(ids))]
    shipped = repr(rows).encode()
    for secret in [*clear.values(), *sealing.KEYS.keyring().keys.values(), job_key]:
        assert secret not in shipped and secret.hex().encode() not in shipped
    march = next(r for r in rows if r[1] == "2026-03")
    for cid, wrapped in zip(march[4], march[5], strict=True):
        nonce, body = wrapped[:12], wrapped[12:]
        assert AESGCM(job_key).decrypt(nonce, body, spark_blocks.job_ad("job-1", cid)) == clear[cid]
        with pytest.raises(InvalidTag):  # another job, or another customer's slot: no key
            AESGCM(job_key).decrypt(nonce, body, spark_blocks.job_ad("job-2", cid))
        with pytest.raises(InvalidTag):
            AESGCM(job_key).decrypt(nonce, body, spark_blocks.job_ad("job-1", cid + 1))


def test_an_executor_sums_its_blocks_with_the_job_key_alone(customer, other_customer):
    expected = _stored(customer, other_customer)
    ids = [customer.pk, other_customer.pk]
    job_key = bytes(32)
    rows = spark_totals.job_tasks([ids], MONTHS, "electric", job_key, "job-1")
    names = ("path", "month", "fields", "service", "customer_ids", "wrapped")
    totals = {}
    for row in rows:
        out, _ = spark_blocks._shard_totals(
            dict(zip(names, row, strict=True)), AESGCM(job_key), "job-1", -(2**31)
        )
        totals |= {(cid, month): (kwh, n) for cid, month, kwh, n in out}
    assert totals.keys() == expected.keys()
    for key, (kwh, n) in totals.items():
        assert kwh == pytest.approx(expected[key][0], abs=1e-9) and n == expected[key][1]
    with pytest.raises(ValueError, match="not wrapped for this job"):
        spark_blocks._shard_totals(
            dict(zip(names, rows[0], strict=True)), AESGCM(bytes(32)), "job-2", -(2**31)
        )


def test_a_refused_spark_job_logs_the_refusal_and_starts_nothing(customer, other_customer):
    _stored(customer, other_customer)
    with pytest.raises(Denied):  # refused before Spark is touched: no session is needed
        month_totals_on_spark(
            spark=None,
            ask=TotalsAsk(
                actor=system_actor("comparison_reports"),
                customer_ids=[customer.pk],
                purpose="marketing",
                months=MONTHS,
                fields=["meter_usage"],
                action="comparison_reports",
            ),
        )
    assert AccessEvent.objects.filter(action="comparison_reports", decision="deny").count() == 1
    assert not AccessEvent.objects.filter(action="comparison_reports", decision="allow").exists()
