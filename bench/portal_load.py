"""portal_load: requests/s of 32 signed-in customers browsing the portal's main pages and downloads for 60 s
against the production server (gunicorn, deploy/gunicorn.conf.py, 4 workers, DEBUG off) on PostgreSQL, vs the
same 32 clients against the same server answering a minimal view that does one database query, in the same
run. Latency percentiles of both; every answer must be 200; the access-log events added during the portal
phase must equal the reads the pages made (each page's reads counted once beforehand, then multiplied by how
often it was served), and the tree must cover them.

The clients are 4 processes of 8 threads (bench/load_client.py), each thread one customer in a bounded loop on
127.0.0.1, each customer behind its own client address (through the trusted proxy header, as behind a load
balancer). The minimal view exists only in bench/portal_load_urls.py, loaded by the benchmark's own settings
module."""

import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

from bench.harness import free_port, portal_sign_in
from bench.load_client import per_path

NAME = "portal_load"
UNIT = "requests/s"
TARGET = 0.25
DATABASES = ["postgresql"]
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
CUSTOMERS = 32
CLIENT_PROCESSES = 4
WORKERS = 4
PAGES = [
    "/portal/me/",
    "/portal/me/usage/",
    "/portal/me/who-has-seen-my-data/",
    "/portal/me/who-we-gave-it-to/",
    "/portal/me/messages/",
    "/portal/me/consents/",
    "/portal/me/download.csv",
    "/portal/me/green-button.xml",
]
BASELINE_PATH = "/bench/one-query/"
OURS = (
    f"{CUSTOMERS} signed-in customers cycling through {', '.join(PAGES)} for {SECONDS:.0f} s against "
    f"gunicorn ({WORKERS} sync workers, DEBUG off, JSON request logs) on PostgreSQL"
)
BASELINE = f"the same {CUSTOMERS} clients against the same server answering {BASELINE_PATH} (one query)"
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long benchmark passphrase"


def _customers_enrol() -> list[str]:
    """32 demo customers with readings, each with a confirmed portal sign-in; their e-mail addresses."""
    from datetime import date

    from custodian.demo.generator import application
    from custodian.demo.services import demo_customers_ensure, demo_intervals_ensure
    from custodian.portal.services import Enrolment, portal_confirm, portal_enrol

    today = date.today()
    demo_customers_ensure(count=CUSTOMERS, seed=1, today=today)
    demo_intervals_ensure(count=CUSTOMERS, seed=1, today=today)
    emails = []
    for i in range(CUSTOMERS):
        app = application(1, i, today)
        kwh = round(json.loads(app.personal["meter_usage"])["electric"]["months"][-1]["total"])
        email = f"portal-load-{i}@example.org"
        tokens = []
        portal_enrol(
            enrolment=Enrolment(
                account_number=app.personal["account_number"],
                last_electric_kwh=kwh,
                email=email,
                password=PASSWORD,
            ),
            confirm_url=lambda token, tokens=tokens: tokens.append(token) or token,
        )
        portal_confirm(token=tokens[0])
        emails.append(email)
    return emails


def _production_env(var: str) -> dict:
    from django.conf import settings

    from custodian.audit import log_key
    from custodian.audit.heads import log_origin
    from custodian.vault.sealing import KEYS

    KEYS.keyring()
    KEYS.blind_key()
    log_key.log_signer(log_origin())  # the key files exist before the server starts, as production needs
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.portal_load_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "CUSTODIAN_PAYMENT_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "CUSTODIAN_TRUSTED_PROXIES": "127.0.0.1",
        "CUSTODIAN_VAR_DIR": var,
        "CUSTODIAN_MASTER_KEYRING": str(settings.CUSTODIAN_MASTER_KEYRING),
        "CUSTODIAN_BLIND_INDEX_KEY": str(settings.CUSTODIAN_BLIND_INDEX_KEY),
        "CUSTODIAN_LOG_SIGNING_KEYS": str(settings.CUSTODIAN_LOG_SIGNING_KEYS),
        "CUSTODIAN_INTERVAL_DIR": str(settings.CUSTODIAN_INTERVAL_DIR),
        "CUSTODIAN_TRANSPARENCY_DIR": str(settings.CUSTODIAN_TRANSPARENCY_DIR),
        "LOG_FORMAT": "json",
        "DB_CONN_MAX_AGE": "600",  # persistent connections, as docs/operations.md recommends
        "LOG_LEVEL": "WARNING",
    }


def _request(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    cookies = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return response.status, data, {k: m.value for k, m in cookies.items()}


def _sign_in(port: int, email: str, address: str) -> str:
    def ask(method: str, path: str, cookie: str, body: bytes):
        headers = {"X-Forwarded-For": address}
        if method == "POST":
            headers |= {
                "Cookie": cookie,
                "Origin": f"http://127.0.0.1:{port}",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        return _request(port, method, path, headers, body or None)

    return portal_sign_in(ask, email, PASSWORD)


def _events() -> int:
    from custodian.audit.models import AccessEvent

    return AccessEvent.objects.count()


def _reads_per_page(port: int, customers: list[dict]) -> dict[str, int]:
    """The access-log events each page adds, counted on two customers, twice each: they must agree."""
    per_page = {}
    for path in PAGES:
        seen = set()
        for c in customers[:2] * 2:
            before = _events()
            headers = {"Cookie": c["cookie"], "X-Forwarded-For": c["address"]}
            status, _, _ = _request(port, "GET", path, headers)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            seen.add(_events() - before)
        if len(seen) != 1:
            raise RuntimeError(f"{path} adds a varying number of access-log events: {sorted(seen)}")
        per_page[path] = seen.pop()
    return per_page


def _load(port: int, customers: list[dict], paths: list[str], with_cookies: bool) -> dict:
    """Run the clients (CLIENT_PROCESSES processes, the customers split between them) for SECONDS."""
    procs = []
    share = len(customers) // CLIENT_PROCESSES
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(CLIENT_PROCESSES):
            mine = customers[n * share : (n + 1) * share]
            spec = {
                "paths": paths,
                "start_delay": 1.0,
                "customers": [
                    {"cookie": c["cookie"] if with_cookies else "", "address": c["address"]} for c in mine
                ],
            }
            spec_file = Path(tmp) / f"spec{n}.json"
            spec_file.write_text(json.dumps(spec))
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.load_client", str(port), str(SECONDS), str(spec_file)],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        outs = [json.loads(p.communicate(timeout=SECONDS + 600)[0]) for p in procs]
    counts, spent = per_path(outs, paths, "spent_ms")
    elapsed = max(out["elapsed"] for out in outs)
    latencies = sorted(x for out in outs for x in out["latencies"])
    errors = [e for out in outs for e in out["errors"]]
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "rate": len(latencies) / elapsed,
        "counts": counts,
        "mean_ms": {p: round(spent[p] / counts[p], 1) if counts[p] else None for p in paths},
        "errors": len(errors),
        "error_samples": errors[:10],
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
    }


def measure(db: str) -> dict:
    from django.db import connections

    from custodian.audit.models import TreeHead
    from custodian.audit.tree import integrate

    emails = _customers_enrol()
    var = os.environ["CUSTODIAN_VAR_DIR"]
    env = _production_env(var)
    connections.close_all()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "custodian.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        customers = []
        for i, email in enumerate(emails):
            address = f"198.51.{100 + i // 200}.{1 + i % 200}"
            customers.append({"cookie": _sign_in(port, email, address), "address": address})
        per_page = _reads_per_page(port, customers)
        for c in customers:  # warm every worker's connections and caches
            _request(port, "GET", PAGES[0], {"Cookie": c["cookie"], "X-Forwarded-For": c["address"]})
            _request(port, "GET", BASELINE_PATH, {"X-Forwarded-For": c["address"]})
        before = _events()
        ours = _load(port, customers, PAGES, with_cookies=True)
        added = _events() - before
        baseline = _load(port, customers, [BASELINE_PATH], with_cookies=False)
    finally:
        server.terminate()
        server.wait(timeout=120)
    reads = sum(per_page[p] * n for p, n in ours["counts"].items())
    integrate()
    tree_size = TreeHead.objects.get(pk=1).size
    total_events = _events()
    if ours["errors"] or baseline["errors"]:
        raise RuntimeError(f"errors: {ours['error_samples'] + baseline['error_samples']}")
    if added != reads:
        raise RuntimeError(f"{added} access-log events added for {reads} reads made")
    if tree_size != total_events:
        raise RuntimeError(f"the tree holds {tree_size} of {total_events} events")
    return {
        "ours": round(ours["rate"], 2),
        "baseline": round(baseline["rate"], 2),
        "n": ours["requests"] + baseline["requests"],
        "seconds": SECONDS,
        "customers": CUSTOMERS,
        "server_workers": WORKERS,
        "ours_latency_ms": {k: ours[k] for k in ("p50_ms", "p95_ms", "p99_ms")},
        "baseline_latency_ms": {k: baseline[k] for k in ("p50_ms", "p95_ms", "p99_ms")},
        "errors": ours["errors"] + baseline["errors"],
        "requests_by_page": ours["counts"],
        "mean_ms_by_page": ours["mean_ms"],
        "reads_per_page": per_page,
        "access_events_added": added,
        "reads_made": reads,
    }
