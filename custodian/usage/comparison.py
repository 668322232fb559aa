"""Neighbour comparison (Opower-style): each eligible residential home's monthly use against the average of
similar homes nearby and against efficient neighbours (the group's 20th percentile), with a rating.

One pipeline, two engines: the SQL is written once (DuckDB's dialect) and transpiled with SQLGlot for Apache
Spark, for utilities that outgrow one machine. `CUSTODIAN_COMPARISON_ENGINE` picks the engine.

Peer group: same premise type, heating fuel, size band and ZIP code. Excluded: vacant premises, customers
on assistance rates, self-generators and non-residential accounts. A group is shown only if it has at least
`min_customers` homes and no home uses more than `max_share_percent` of the group's total (the policy file's
aggregation threshold, 15/15 by default) — otherwise nobody in it gets a comparison.

One module (over 400 lines) on purpose: the pipeline's SQL, its inputs and both engines' runners belong
together, so the one query and every way it is run are read side by side.
"""

import os
import secrets
import sys
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import sqlglot
from django.conf import settings

from custodian.policy.loader import current_policy

# Peer groups of about GROUP_TARGET homes: the homes of one premise type, heating fuel and size band in one
# ZIP code, narrowed to their feeder when the feeder alone has that many (nearer neighbours), then split
# by floor area into groups of GROUP_TARGET to 2 × GROUP_TARGET - 1 homes (the most similar in size together).
GROUP_TARGET = 100

PIPELINE = """
WITH eligible AS (
    SELECT customer_id, premise_type, heating_fuel, zip_code, feeder, size_sqft,
           CASE WHEN size_sqft < 1000 THEN 'under 1000'
                WHEN size_sqft < 2000 THEN '1000-1999'
                WHEN size_sqft < 3000 THEN '2000-2999'
                ELSE '3000+' END AS size_band
    FROM premises
    WHERE customer_class = 'residential' AND NOT is_vacant AND NOT on_assistance_rate AND NOT self_generation
),
on_feeder AS (
    SELECT *,
           COUNT(*) OVER (PARTITION BY premise_type, heating_fuel, size_band, zip_code, feeder)
               AS feeder_homes
    FROM eligible
),
located AS (
    SELECT *, CASE WHEN feeder_homes >= {target} THEN zip_code || '/' || feeder ELSE zip_code END AS area
    FROM on_feeder
),
ranked AS (
    SELECT *,
           COUNT(*) OVER (PARTITION BY premise_type, heating_fuel, size_band, area) AS area_homes,
           ROW_NUMBER() OVER (PARTITION BY premise_type, heating_fuel, size_band, area
                              ORDER BY size_sqft, customer_id) AS size_rank
    FROM located
),
member AS (
    SELECT customer_id, premise_type, heating_fuel, size_band, area,
           premise_type || '|' || heating_fuel || '|' || size_band || '|' || area || '|' ||
           CAST(CAST(FLOOR((size_rank - 1) * GREATEST(1, FLOOR(area_homes / {target})) / area_homes) AS INT)
                AS VARCHAR) AS peer_group
    FROM ranked
),
home_month AS (
    SELECT m.customer_id, m.peer_group, m.premise_type, m.heating_fuel, m.size_band, m.area, u.month, u.kwh
    FROM member m JOIN {usage} u ON u.customer_id = m.customer_id
),
peer_group AS (
    SELECT peer_group, month,
           MIN(premise_type) AS premise_type, MIN(heating_fuel) AS heating_fuel,
           MIN(size_band) AS size_band, MIN(area) AS area,
           COUNT(*) AS homes,
           AVG(kwh) AS average_kwh,
           QUANTILE_CONT(kwh, 0.2) AS efficient_kwh,
           MAX(kwh) / NULLIF(SUM(kwh), 0) AS largest_share
    FROM home_month
    GROUP BY peer_group, month
)
"""

HOMES_SELECT = """
SELECT h.customer_id, h.month, h.kwh,
       ROUND(g.average_kwh, 6) AS average_kwh,
       ROUND(g.efficient_kwh, 6) AS efficient_kwh,
       g.homes,
       CASE WHEN h.kwh <= g.efficient_kwh THEN 'great'
            WHEN h.kwh <= g.average_kwh THEN 'good'
            ELSE 'using more than average' END AS rating,
       g.peer_group
FROM home_month h
JOIN peer_group g ON g.peer_group = h.peer_group AND g.month = h.month
WHERE g.homes >= {min_customers} AND g.largest_share <= {max_share}
ORDER BY h.customer_id, h.month
"""

# The groups that may be shown (15/15 passed): aggregates of at least `min_customers` homes.
GROUPS_SELECT = """
SELECT peer_group, premise_type, heating_fuel, area, size_band, month, homes,
       ROUND(average_kwh, 6) AS average_kwh, ROUND(efficient_kwh, 6) AS efficient_kwh
FROM peer_group
WHERE homes >= {min_customers} AND largest_share <= {max_share}
ORDER BY peer_group, month
"""

# Which group each eligible home belongs to (from premise attributes only: nobody's use).
MEMBERS_SELECT = """
SELECT customer_id, peer_group FROM member ORDER BY customer_id
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
    peer_group: str


# A home's monthly use: from its hourly interval readings where the interval store has them (`ts` an instant,
# TIMESTAMPTZ in DuckDB, a UTC timestamp in Spark), summed into local calendar months; from its
# billing-cycle totals for the months it has no interval readings for.
# The zone is the utility's: the policy file's [utility] time_zone, an IANA name the loader checked.
_LOCAL_MONTH = f"STRFTIME(ts AT TIME ZONE '{settings.TIME_ZONE}', '%Y-%m')"
USAGE_SOURCE = f"""(SELECT customer_id, month, kwh FROM usage_monthly m
       WHERE NOT EXISTS (SELECT 1 FROM usage_hourly h WHERE h.customer_id = m.customer_id)
      UNION ALL
      SELECT customer_id, {_LOCAL_MONTH} AS month, SUM(kwh) AS kwh
      FROM usage_hourly GROUP BY customer_id, {_LOCAL_MONTH})"""  # noqa: S608 (no input: the checked zone)
SELECTS = {"homes": HOMES_SELECT, "groups": GROUPS_SELECT, "members": MEMBERS_SELECT}


def pipeline_sql(
    *,
    min_customers: int,
    max_share_percent: float,
    dialect: str = "duckdb",
    select: str = "homes",
    target: int = GROUP_TARGET,
    usage: str = USAGE_SOURCE,
) -> str:
    """The pipeline ending in one of SELECTS. `usage` is where monthly use comes from: USAGE_SOURCE, or a
    table that already holds its result (several selects over the same data compute it once)."""
    sql = (PIPELINE + SELECTS[select]).format(
        min_customers=int(min_customers),
        max_share=float(max_share_percent) / 100,
        usage=usage,
        target=int(target),
    )
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
    "feeder",
)
PREMISES_SCHEMA = (
    "customer_id BIGINT, customer_class VARCHAR, premise_type VARCHAR, heating_fuel VARCHAR, "
    "zip_code VARCHAR, size_sqft INTEGER, is_vacant BOOLEAN, on_assistance_rate BOOLEAN, "
    "self_generation BOOLEAN, feeder VARCHAR"
)
USAGE_COLUMNS = ("customer_id", "month", "kwh")


@dataclass
class ComparisonData:
    """The pipeline's inputs: premise attributes (PREMISE_COLUMNS tuples), billing-cycle totals
    (customer_id, month, kWh) and hourly readings (an Arrow table customer_id, ts UTC, kwh; may be None).
    `monthly_use`, when given, is USAGE_SOURCE already computed (the bulk job's: each interval block's
    total, which is its local month's, bills where a home has no readings; or `monthly_use_of`), so a
    utility's readings never sit in memory at once; the pipeline then starts from it. `interval_readings`:
    how many readings those totals add up. `usage_frame`, on the Spark engine, the interval totals as a
    Spark DataFrame (customer_id, month, kwh) that never leaves the executors; `monthly` then holds the
    bills of the homes without readings only."""

    premises: list[tuple]
    monthly: list[tuple]
    hourly: object = None
    monthly_use: list[tuple] | None = None
    interval_readings: int = 0
    usage_frame: object = None  # on Spark: the monthly totals opened on the executors (a DataFrame)
    metered: frozenset = frozenset()  # with usage_frame: the homes it has totals of
    # Gas and water: each service's monthly use (customer_id, month, amount in therms or gallons) from the
    # bills, grouped by the same peer groups (premise attributes only) as electricity.
    other_services: dict = field(default_factory=dict)

    def homes_with_usage(self) -> set[int]:
        """The homes whose monthly use the pipeline starts from (readings or bills)."""
        return set(self.metered) | {c for c, *_ in self.usage_rows()}

    def usage_rows(self) -> list[tuple]:
        """What the pipeline's monthly-use step starts from, for an engine given rows."""
        return self.monthly_use if self.monthly_use is not None else self.monthly

    def hourly_table(self):
        if self.hourly is not None:
            return self.hourly
        return pa.table(
            {
                "customer_id": pa.array([], pa.int64()),
                "ts": pa.array([], pa.timestamp("s", tz="UTC")),
                "kwh": pa.array([], pa.float64()),
            }
        )


def _premise_rows(premises: list[tuple]) -> list[tuple]:
    # Older callers give premises without a feeder: every home on one feeder then.
    return [p if len(p) == len(PREMISE_COLUMNS) else (*p, "") for p in premises]


# Handed to DuckDB as Arrow tables: row-by-row inserts of a utility's year of bills take longer than the
# whole comparison.
def _premise_table(premises: list[tuple]):
    rows = _premise_rows(premises)
    schema = pa.schema(
        [
            ("customer_id", pa.int64()),
            ("customer_class", pa.string()),
            ("premise_type", pa.string()),
            ("heating_fuel", pa.string()),
            ("zip_code", pa.string()),
            ("size_sqft", pa.int32()),
            ("is_vacant", pa.bool_()),
            ("on_assistance_rate", pa.bool_()),
            ("self_generation", pa.bool_()),
            ("feeder", pa.string()),
        ]
    )
    return pa.table({name: [r[i] for r in rows] for i, name in enumerate(PREMISE_COLUMNS)}, schema=schema)


def _usage_table(rows: list[tuple]):
    schema = pa.schema([("customer_id", pa.int64()), ("month", pa.string()), ("kwh", pa.float64())])
    return pa.table({name: [r[i] for r in rows] for i, name in enumerate(USAGE_COLUMNS)}, schema=schema)


def monthly_use_of(monthly: list[tuple], hourly) -> list[tuple]:
    """USAGE_SOURCE for some homes: (customer_id, month, kWh) from their hourly readings summed into local
    months, bills for the homes without readings. Run chunk by chunk, it is the pipeline's first step."""
    con = duckdb.connect()
    try:
        con.register("usage_monthly", _usage_table(monthly))
        con.register("usage_hourly", ComparisonData([], [], hourly).hourly_table())
        return con.execute(f"SELECT customer_id, month, kwh FROM {USAGE_SOURCE} u").fetchall()  # noqa: S608
    finally:
        con.close()


def _duckdb_queries(data: ComparisonData, selects: list[str], threshold: dict) -> list[list[tuple]]:
    """Run the pipeline ending in each of `selects` in one fresh in-memory DuckDB holding the data given;
    the monthly use (USAGE_SOURCE: hourly readings summed, bills where a meter has none) is computed once."""
    con = duckdb.connect()
    try:
        con.register("premises", _premise_table(data.premises))
        if data.monthly_use is not None:
            con.register("usage_by_month", _usage_table(data.monthly_use))
        else:
            con.register("usage_monthly", _usage_table(data.monthly))
            con.register("usage_hourly", data.hourly_table())
            con.execute(f"CREATE TEMP TABLE usage_by_month AS SELECT * FROM {USAGE_SOURCE} u")  # noqa: S608
        return [
            con.execute(pipeline_sql(select=select, usage="usage_by_month", **threshold)).fetchall()
            for select in selects
        ]
    finally:
        con.close()


def _args(min_customers: int, max_share_percent: float) -> dict:
    return {"min_customers": min_customers, "max_share_percent": max_share_percent}


def run_duckdb(
    premises: list[tuple], usage: list[tuple], *, min_customers: int, max_share_percent: float, hourly=None
):
    data = ComparisonData(premises, usage, hourly)
    [rows] = _duckdb_queries(data, ["homes"], _args(min_customers, max_share_percent))
    return [Comparison(*r) for r in rows]


class SparkNotInstalled(RuntimeError):
    """PySpark is an optional extra: a server that runs DuckDB only does not carry it."""


SPARK_INSTALL_HINT = (
    "The Spark comparison engine needs PySpark, which this installation leaves out. Install it with "
    "`pip install --require-hashes -r requirements/spark.lock` (or `pip install '.[spark]'`), "
    "or use the default engine: CUSTODIAN_COMPARISON_ENGINE=duckdb."
)


def require_spark() -> None:
    """Fail at once, saying how to install it, when the Spark engine is asked for and PySpark is absent."""
    try:
        import pyspark.sql  # noqa: F401  (an optional extra: present or not, asked at run time)
    except ImportError:
        raise SparkNotInstalled(SPARK_INSTALL_HINT) from None


def spark_session(master: str | None = None):
    """A Spark session on `master` (default: settings.CUSTODIAN_SPARK_MASTER) with its RPC authenticated
    and encrypted and its local files encrypted (docs/decisions.md, "Spark on executors"). A session
    already running on another master is stopped first."""
    require_spark()
    from pyspark import SparkContext  # an optional extra (`spark`): imported only when asked for
    from pyspark.sql import SparkSession

    master = master or settings.CUSTODIAN_SPARK_MASTER
    running = SparkContext._active_spark_context  # one per process: getOrCreate would return it as it is
    if running is not None and running.master != master:
        SparkSession.builder.getOrCreate().stop()
    # Workers run the same interpreter as the driver; Spark talks only on loopback.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # The shared secret of the application's RPC: a cluster's own when it has one (a standalone cluster
    # is configured with it), else a fresh one for this session (local and local-cluster masters).
    secret = os.environ.get("CUSTODIAN_SPARK_AUTH_SECRET") or secrets.token_hex(32)
    return (
        SparkSession.builder.master(master)
        .appName("custodian-comparison")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        # Timestamps are instants: the pipeline converts them to Chicago time itself.
        .config("spark.sql.session.timeZone", "UTC")
        # Only processes holding the secret join the application; its RPC (tasks and their closures,
        # shuffle and block transfers) is encrypted with AES-GCM; what Spark writes to local disk
        # (shuffle, spills, broadcast pieces) is encrypted under a key held in memory.
        .config("spark.authenticate", "true")
        .config("spark.authenticate.secret", secret)
        .config("spark.network.crypto.enabled", "true")
        .config("spark.network.crypto.cipher", "AES/GCM/NoPadding")
        .config("spark.io.encryption.enabled", "true")
        # Executors import the opening code from this installation (a cluster's executors carry it too).
        .config("spark.executorEnv.PYTHONPATH", str(settings.BASE_DIR))
        .getOrCreate()
    )


def _quiet(spark):
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(
    premises: list[tuple],
    usage: list[tuple],
    *,
    min_customers: int,
    max_share_percent: float,
    spark=None,
    hourly=None,
):
    spark = _quiet(spark or spark_session())
    schema = PREMISES_SCHEMA.replace("BIGINT", "LONG").replace("VARCHAR", "STRING").replace("INTEGER", "INT")
    spark.createDataFrame(_premise_rows(premises), schema).createOrReplaceTempView("premises")
    spark.createDataFrame(usage, "customer_id LONG, month STRING, kwh DOUBLE").createOrReplaceTempView(
        "usage_monthly"
    )
    spark.createDataFrame(ComparisonData([], [], hourly).hourly_table()).createOrReplaceTempView(
        "usage_hourly"
    )
    sql = pipeline_sql(dialect="spark", **_args(min_customers, max_share_percent))
    return [Comparison(*r) for r in spark.sql(sql).collect()]


def _threshold() -> dict:

    aggregation = current_policy().aggregation
    return _args(aggregation["min_customers"], aggregation["max_share_percent"])


def run(
    premises: list[tuple], usage: list[tuple], *, engine: str | None = None, hourly=None
) -> list[Comparison]:
    """The comparison on the configured engine with the policy file's aggregation threshold."""
    engine = engine or settings.CUSTODIAN_COMPARISON_ENGINE
    if engine == "spark":
        return run_spark(premises, usage, hourly=hourly, **_threshold())
    if engine == "duckdb":
        return run_duckdb(premises, usage, hourly=hourly, **_threshold())
    raise ValueError(f"unknown comparison engine {engine!r}: duckdb or spark")


def size_band(size_sqft: int) -> str:
    """The size band of the pipeline's CASE expression."""
    return (
        "under 1000"
        if size_sqft < 1000
        else "1000-1999"
        if size_sqft < 2000
        else "2000-2999"
        if size_sqft < 3000
        else "3000+"
    )


def group_aggregates(data: ComparisonData) -> tuple[list[tuple], list[tuple]]:
    """(the shown groups' monthly aggregates, each eligible home's group), on DuckDB, with the policy
    file's threshold. Each aggregate ends with its service: electricity's, then gas's and water's."""
    groups, members = _duckdb_queries(data, ["groups", "members"], _threshold())
    return _with_other_services(data, groups), members


def _with_other_services(data: ComparisonData, electric: list[tuple]) -> list[tuple]:
    """The electricity groups' aggregates, then each other service's groups: the same peer groups (a home's
    group comes from its premise), the same threshold, each service's months from its own use. A group is
    shown for a service only when enough of its homes have that service. Small tables: on DuckDB whatever
    the engine."""
    groups = [(*g, "electric") for g in electric]
    for service, rows in sorted(data.other_services.items()):
        [shown] = _duckdb_queries(
            ComparisonData(data.premises, [], monthly_use=rows), ["groups"], _threshold()
        )
        groups += [(*g, service) for g in shown]
    return groups


def _spark_queries(data: ComparisonData, selects: list[str], threshold: dict) -> list[list[tuple]]:
    """The pipeline ending in each of `selects` on the Spark session holding `data.usage_frame` (the
    executors' monthly totals), with the bills of the homes without readings added: USAGE_SOURCE's result,
    the same SQL as on DuckDB from there."""
    frame = data.usage_frame
    spark = frame.sparkSession
    schema = PREMISES_SCHEMA.replace("BIGINT", "LONG").replace("VARCHAR", "STRING").replace("INTEGER", "INT")
    spark.createDataFrame(_premise_rows(data.premises), schema).createOrReplaceTempView("premises")
    bills = spark.createDataFrame(data.monthly, "customer_id LONG, month STRING, kwh DOUBLE")
    frame.unionByName(bills).createOrReplaceTempView("usage_by_month")
    return [
        [
            tuple(r)
            for r in spark.sql(
                pipeline_sql(dialect="spark", select=select, usage="usage_by_month", **threshold)
            ).collect()
        ]
        for select in selects
    ]


def compute(data: ComparisonData, *, engine: str | None = None):
    """Everything the bulk job needs in one pass: (comparisons, shown groups' aggregates, memberships).
    On DuckDB the three share one connection and one monthly-use table; on Spark, from totals opened on the
    executors (`usage_frame`), all three run on Spark; from rows given in memory, the per-home comparisons
    run on Spark and the (small) group tables on DuckDB."""
    engine = engine or settings.CUSTODIAN_COMPARISON_ENGINE
    if engine == "duckdb":
        homes, groups, members = _duckdb_queries(data, ["homes", "groups", "members"], _threshold())
        return [Comparison(*r) for r in homes], _with_other_services(data, groups), members
    if engine == "spark" and data.usage_frame is not None:
        homes, groups, members = _spark_queries(data, ["homes", "groups", "members"], _threshold())
        return [Comparison(*r) for r in homes], _with_other_services(data, groups), members
    rows = run(data.premises, data.usage_rows(), engine=engine, hourly=data.hourly)
    return (rows, *group_aggregates(data))
