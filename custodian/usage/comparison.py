"""Neighbour comparison (Opower-style): each eligible residential home's monthly use against the average of
similar homes nearby and against efficient neighbours (the group's 20th percentile), with a rating.

One pipeline, two engines: the SQL is written once (DuckDB's dialect) and transpiled with SQLGlot for Apache
Spark, for utilities that outgrow one machine. `CUSTODIAN_COMPARISON_ENGINE` picks the engine.

Peer group: same premise type, heating fuel, size band and ZIP code. Excluded: vacant premises, customers
on assistance rates, self-generators and non-residential accounts. A group is shown only if it has at least
`min_customers` homes and no home uses more than `max_share_percent` of the group's total (the policy file's
aggregation threshold, 15/15 by default) — otherwise nobody in it gets a comparison.
"""

from dataclasses import dataclass

import sqlglot

PIPELINE = """
WITH eligible AS (
    SELECT customer_id, premise_type, heating_fuel, zip_code,
           CASE WHEN size_sqft < 1000 THEN 'under 1000'
                WHEN size_sqft < 2000 THEN '1000-1999'
                WHEN size_sqft < 3000 THEN '2000-2999'
                ELSE '3000+' END AS size_band
    FROM premises
    WHERE customer_class = 'residential' AND NOT is_vacant AND NOT on_assistance_rate AND NOT self_generation
),
home_month AS (
    SELECT e.customer_id, e.premise_type, e.heating_fuel, e.zip_code, e.size_band, u.month, u.kwh
    FROM eligible e JOIN {usage} u ON u.customer_id = e.customer_id
),
peer_group AS (
    SELECT premise_type, heating_fuel, zip_code, size_band, month,
           COUNT(*) AS homes,
           AVG(kwh) AS average_kwh,
           QUANTILE_CONT(kwh, 0.2) AS efficient_kwh,
           MAX(kwh) / NULLIF(SUM(kwh), 0) AS largest_share
    FROM home_month
    GROUP BY premise_type, heating_fuel, zip_code, size_band, month
)
SELECT h.customer_id, h.month, h.kwh,
       ROUND(g.average_kwh, 6) AS average_kwh,
       ROUND(g.efficient_kwh, 6) AS efficient_kwh,
       g.homes,
       CASE WHEN h.kwh <= g.efficient_kwh THEN 'great'
            WHEN h.kwh <= g.average_kwh THEN 'good'
            ELSE 'using more than average' END AS rating
FROM home_month h
JOIN peer_group g
  ON g.premise_type = h.premise_type AND g.heating_fuel = h.heating_fuel AND g.zip_code = h.zip_code
 AND g.size_band = h.size_band AND g.month = h.month
WHERE g.homes >= {min_customers} AND g.largest_share <= {max_share}
ORDER BY h.customer_id, h.month
"""

# The groups that may be shown (15/15 passed): aggregates of at least `min_customers` homes.
GROUPS_SELECT = """
SELECT premise_type, heating_fuel, zip_code, size_band, month, homes,
       ROUND(average_kwh, 6) AS average_kwh, ROUND(efficient_kwh, 6) AS efficient_kwh
FROM peer_group
WHERE homes >= {min_customers} AND largest_share <= {max_share}
ORDER BY premise_type, heating_fuel, zip_code, size_band, month
"""


@dataclass(frozen=True)
class Comparison:
    customer_id: int
    month: str
    kwh: float
    average_kwh: float
    efficient_kwh: float
    homes: int
    rating: str


# Hourly interval readings (`ts` an instant: TIMESTAMPTZ in DuckDB) summed into local calendar months.
FROM_HOURLY = """(SELECT customer_id, STRFTIME(ts AT TIME ZONE 'America/Chicago', '%Y-%m') AS month,
        SUM(kwh) AS kwh
      FROM usage_hourly GROUP BY customer_id, STRFTIME(ts AT TIME ZONE 'America/Chicago', '%Y-%m'))"""


def pipeline_sql(
    *,
    min_customers: int,
    max_share_percent: float,
    dialect: str = "duckdb",
    source: str = "monthly",
    groups: bool = False,
) -> str:
    usage = "usage_monthly" if source == "monthly" else FROM_HOURLY
    text = PIPELINE[: PIPELINE.index("SELECT h.customer_id")] + GROUPS_SELECT if groups else PIPELINE
    sql = text.format(min_customers=int(min_customers), max_share=float(max_share_percent) / 100, usage=usage)
    if dialect == "duckdb":
        return sql
    spark_sql = sqlglot.transpile(sql, read="duckdb", write=dialect)[0]
    # Spark's exact percentile with linear interpolation is PERCENTILE(col, p): the same as QUANTILE_CONT.
    return spark_sql.replace("PERCENTILE_CONT(", "PERCENTILE(")


PREMISE_COLUMNS = (
    "customer_id",
    "customer_class",
    "premise_type",
    "heating_fuel",
    "zip_code",
    "size_sqft",
    "is_vacant",
    "on_assistance_rate",
    "self_generation",
)
USAGE_COLUMNS = ("customer_id", "month", "kwh")


def _duckdb_query(premises: list[tuple], usage: list[tuple], sql: str) -> list[tuple]:
    """Run `sql` in a fresh in-memory DuckDB holding the premises and monthly usage given."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE premises (customer_id BIGINT, customer_class VARCHAR, premise_type VARCHAR, "
            "heating_fuel VARCHAR, zip_code VARCHAR, size_sqft INTEGER, is_vacant BOOLEAN, "
            "on_assistance_rate BOOLEAN, self_generation BOOLEAN)"
        )
        con.execute("CREATE TABLE usage_monthly (customer_id BIGINT, month VARCHAR, kwh DOUBLE)")
        con.executemany("INSERT INTO premises VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", premises)
        con.executemany("INSERT INTO usage_monthly VALUES (?, ?, ?)", usage)
        return con.execute(sql).fetchall()
    finally:
        con.close()


def run_duckdb(premises: list[tuple], usage: list[tuple], *, min_customers: int, max_share_percent: float):
    sql = pipeline_sql(min_customers=min_customers, max_share_percent=max_share_percent)
    return [Comparison(*r) for r in _duckdb_query(premises, usage, sql)]


def spark_session():
    import os
    import sys

    # Workers run the same interpreter as the driver; Spark talks only on loopback.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("custodian-comparison")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )


def _quiet(spark):
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(
    premises: list[tuple], usage: list[tuple], *, min_customers: int, max_share_percent: float, spark=None
):
    spark = _quiet(spark or spark_session())
    schema_p = (
        "customer_id LONG, customer_class STRING, premise_type STRING, heating_fuel STRING, zip_code STRING, "
        "size_sqft INT, is_vacant BOOLEAN, on_assistance_rate BOOLEAN, self_generation BOOLEAN"
    )
    spark.createDataFrame(premises, schema_p).createOrReplaceTempView("premises")
    spark.createDataFrame(usage, "customer_id LONG, month STRING, kwh DOUBLE").createOrReplaceTempView(
        "usage_monthly"
    )
    sql = pipeline_sql(min_customers=min_customers, max_share_percent=max_share_percent, dialect="spark")
    return [Comparison(*r) for r in spark.sql(sql).collect()]


def run(premises: list[tuple], usage: list[tuple], *, engine: str | None = None) -> list[Comparison]:
    """The comparison on the configured engine with the policy file's aggregation threshold."""
    from django.conf import settings

    from custodian.policy.loader import current_policy

    aggregation = current_policy().aggregation
    args = dict(
        min_customers=aggregation["min_customers"], max_share_percent=aggregation["max_share_percent"]
    )
    engine = engine or settings.CUSTODIAN_COMPARISON_ENGINE
    if engine == "spark":
        return run_spark(premises, usage, **args)
    if engine == "duckdb":
        return run_duckdb(premises, usage, **args)
    raise ValueError(f"unknown comparison engine {engine!r}: duckdb or spark")


def size_band(size_sqft: int) -> str:
    """The size band of the pipeline's CASE expression, for looking a premise's group up."""
    return (
        "under 1000"
        if size_sqft < 1000
        else "1000-1999"
        if size_sqft < 2000
        else "2000-2999"
        if size_sqft < 3000
        else "3000+"
    )


def group_aggregates(premises: list[tuple], usage: list[tuple]) -> list[tuple]:
    """The shown groups' monthly aggregates (DuckDB), with the policy file's threshold."""
    from custodian.policy.loader import current_policy

    aggregation = current_policy().aggregation
    sql = pipeline_sql(
        min_customers=aggregation["min_customers"],
        max_share_percent=aggregation["max_share_percent"],
        groups=True,
    )
    return _duckdb_query(premises, usage, sql)
