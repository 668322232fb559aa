"""Run benchmarks: `python -m bench [NAME]`.

Each benchmark module defines NAME, UNIT, TARGET, DATABASES and measure(db_label) -> dict(ours, baseline, n).
Every (benchmark, database) pair runs in a fresh process against a fresh database (a new SQLite file, or a
new PostgreSQL database when the server answers), so the demo database is never touched. The file written
carries the worst database's figures at the top level and every database's figures under `by_database`.
"""

import contextlib
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import figures_read

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ALL = [
    "policy_decision",
    "reveal",
    "audit_verify",
    "audit_append_concurrent",
    "vendor_export",
    "analytics_overhead",
    "comparison_e2e",
    "comparison_spark",
    "comparison",
    "bill_run",
    "portal_load",
    "greenbutton_import",
]
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def _machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as fh:
        cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _postgres_available() -> bool:
    return (
        shutil.which("pg_isready") is not None
        and subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0
    )


def _run_one(name: str, db: str) -> dict:
    env = dict(os.environ)
    var = tempfile.mkdtemp(prefix=f"bench-{name}-")
    env["CUSTODIAN_VAR_DIR"] = var
    pg_name = None
    if db == "postgresql":
        pg_name = f"custodian_bench_{os.getpid()}_{int(time.time())}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", pg_name], check=True)
        env["DATABASE_URL"] = f"{PG_ADMIN}/{pg_name}"
    else:
        env.pop("DATABASE_URL", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [sys.executable, "-m", "bench.child", name, db],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(out.stderr)  # a failed run's error included: the reason is in it
        if out.returncode:
            raise RuntimeError(f"{name} on {db} failed ({out.returncode}); its error is above")
        return figures_read(out.stdout)
    finally:
        shutil.rmtree(var, ignore_errors=True)
        if pg_name:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", pg_name], check=False
            )


def run(name: str) -> dict:
    module = importlib.import_module(f"bench.{name}")
    databases = [d for d in module.DATABASES if d != "postgresql" or _postgres_available()]
    by_db = {}
    for db in databases:
        print(f"[{name}] on {db} …", file=sys.stderr, flush=True)
        figures = _run_one(name, db)
        figures["ratio"] = round(figures["ours"] / figures["baseline"], 4)
        by_db[db] = figures
    worst = min(by_db.values(), key=lambda f: f["ratio"])
    result = {
        "name": name,
        "ours": worst["ours"],
        "baseline": worst["baseline"],
        "unit": module.UNIT,
        "ratio": worst["ratio"],
        "target": module.TARGET,
        "n": worst["n"],
        "meets_target": all(f["ratio"] >= module.TARGET for f in by_db.values()),
        "ours_is": module.OURS,
        "baseline_is": module.BASELINE,
        "by_database": by_db,
        "machine": _machine(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str]) -> int:
    names = [a for a in argv if a] or ALL
    unknown = [n for n in names if n not in ALL]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; known: {', '.join(ALL)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        r = run(name)
        per_db = ", ".join(f"{db} {f['ratio']:.3g}" for db, f in r["by_database"].items())
        verdict = "meets" if r["meets_target"] else "MISSES"
        print(
            f"{name}: ours {r['ours']:.4g} vs baseline {r['baseline']:.4g} {r['unit']}; "
            f"ratio {r['ratio']:.3g} ({per_db}) {verdict} target {r['target']}"
        )
        if not r["meets_target"]:
            failed.append(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
