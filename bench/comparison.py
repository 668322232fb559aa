"""comparison: the full neighbour-comparison pipeline over 20,000 meters × 8,760 hourly readings (hourly →
local months → peer groups → 15/15 → ratings) vs a single hand-written DuckDB query computing the same monthly
peer averages and 20th percentiles, same data, same run. Spark local mode is timed beside it on a subset."""

import os
import time

from django.conf import settings

NAME = "comparison"
UNIT = "meters/s"
TARGET = 0.5
DATABASES = ["sqlite"]  # the comparison runs in DuckDB/Spark, not in the application database
OURS = "custodian.usage.comparison pipeline (DuckDB): monthly sums, peer groups, 15/15 suppression, ratings"
BASELINE = "one hand-written DuckDB query: monthly sums, peer-group AVG and QUANTILE_CONT(0.2)"
METERS = int(os.environ.get("BENCH_COMPARISON_METERS", "20000"))

BASELINE_SQL = """
SELECT p.premise_type, p.heating_fuel, p.zip_code, p.size_sqft // 1000 AS band, m.month,
       AVG(m.kwh) AS average_kwh, QUANTILE_CONT(m.kwh, 0.2) AS efficient_kwh
FROM premises p
JOIN (SELECT customer_id, STRFTIME(ts AT TIME ZONE '{zone}', '%Y-%m') AS month, SUM(kwh) AS kwh
      FROM usage_hourly GROUP BY ALL) m USING (customer_id)
GROUP BY ALL
"""


def _data(con, meters: int) -> None:
    con.execute(f"""
        CREATE TABLE premises AS
        SELECT i AS customer_id, 'residential' AS customer_class,
               ['single_family', 'multi_family'][1 + i % 2] AS premise_type,
               ['gas', 'electric'][1 + (i // 2) % 2] AS heating_fuel,
               ['55060', '55049', '55052'][1 + (i // 4) % 3] AS zip_code,
               800 + (i * 37) % 2600 AS size_sqft,
               i % 97 = 0 AS is_vacant, i % 89 = 0 AS on_assistance_rate, i % 83 = 0 AS self_generation,
               'F0' || (i % 7)::VARCHAR AS feeder
        FROM range(1, {meters} + 1) t(i)""")
    con.execute("CREATE TABLE usage_monthly (customer_id BIGINT, month VARCHAR, kwh DOUBLE)")
    con.execute(f"""
        CREATE TABLE usage_hourly AS
        SELECT m.i AS customer_id, TIMESTAMPTZ '2025-01-01 06:00:00+00' + h.h * INTERVAL 1 HOUR AS ts,
               0.2 + ((m.i * 7919 + h.h * 104729) % 1000) / 1000.0 AS kwh
        FROM range(1, {meters} + 1) m(i) CROSS JOIN range(0, 8760) h(h)""")


def measure(db: str) -> dict:
    import duckdb

    from custodian.usage.comparison import pipeline_sql, run_spark, spark_session

    con = duckdb.connect()
    started = time.perf_counter()
    _data(con, METERS)
    generated = time.perf_counter() - started
    ours_sql = pipeline_sql(min_customers=15, max_share_percent=15)

    def timed(sql):
        start = time.perf_counter()
        rows = con.execute(sql).fetchall()
        return time.perf_counter() - start, len(rows)

    timed(BASELINE_SQL.format(zone=settings.TIME_ZONE))  # warm
    ours_t, ours_rows = min(timed(ours_sql) for _ in range(2))
    base_t, base_rows = min(timed(BASELINE_SQL.format(zone=settings.TIME_ZONE)) for _ in range(2))

    # Spark local mode, on a subset (the same pipeline, transpiled): recorded beside, not compared.
    subset = min(METERS, 1000)
    premises = con.execute(f"SELECT * FROM premises WHERE customer_id <= {subset}").fetchall()
    spark = spark_session()
    start = time.perf_counter()
    hourly = con.sql(f"SELECT * FROM usage_hourly WHERE customer_id <= {subset}").to_arrow_table()
    spark_rows = run_spark(premises, [], min_customers=15, max_share_percent=15, spark=spark, hourly=hourly)
    spark_t = time.perf_counter() - start
    spark.stop()
    return {
        "ours": METERS / ours_t,
        "baseline": METERS / base_t,
        "n": METERS * 8760,
        "seconds_ours": round(ours_t, 2),
        "seconds_baseline": round(base_t, 2),
        "rows_ours": ours_rows,
        "rows_baseline": base_rows,
        "seconds_generating": round(generated, 1),
        "spark_local_meters": subset,
        "spark_local_seconds": round(spark_t, 1),
        "spark_rows": len(spark_rows),
    }
