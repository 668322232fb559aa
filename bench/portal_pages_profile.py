"""Per-page CPU and SQL of portal_load's pages, in one process, so a change can be judged without the noise
of a wall-clock run on a shared machine: `python -m bench.portal_pages_profile [--rounds N] [--profile PAGE]`
with DATABASE_URL pointing at a migrated PostgreSQL database and CUSTODIAN_VAR_DIR at a directory of its own
(both kept, so a second run reuses the customers; `make bench` does not run this and it writes no result).

It enrols portal_load's demo customers (13 months of hourly readings each), then starts a second process with
the benchmark server's environment (bench/portal_load_settings.py: the production settings, DEBUG off, JSON
request logs, persistent connections, the one-query view). That process signs four customers in over the
WSGI application, as gunicorn calls it, and requests every page of the benchmark's mix in turn, ROUNDS times
each (the pages interleaved), with the session cookie and the proxy header the server would receive; the
one-query view is asked without a cookie, as the benchmark asks it. For each page it prints the median CPU
time of a request (`time.process_time`), the SQL statements a request runs, and the access-log events it
adds. `--profile PAGE` prints cProfile's busiest functions for that page (`--profile baseline` for the
one-query view, `--profile mix` for the whole mix) after the table; a profiler inflates Python calls, so read
its proportions, not its milliseconds.
"""

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

from bench.harness import portal_sign_in

ROOT = Path(__file__).resolve().parent.parent
SIGNED_IN = 4
LINES = int(os.environ.get("PROFILE_LINES", "50"))  # how many of cProfile's busiest functions are printed


def _prepare(args) -> int:
    """In a development-settings process: customers and key files, then the measuring process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    from bench import portal_load
    from custodian.portal.services import login_name

    emails = [f"portal-load-{i}@example.org" for i in range(portal_load.CUSTOMERS)]
    # a second run reuses the first run's customers
    if not get_user_model().objects.filter(username=login_name(emails[0])).exists():
        emails = portal_load._customers_enrol()
    env = portal_load._production_env(os.environ["CUSTODIAN_VAR_DIR"])
    connections.close_all()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    spec = {"emails": emails[:SIGNED_IN], "rounds": args.rounds, "profile": args.profile}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
    try:
        return subprocess.run(
            [sys.executable, "-m", "bench.portal_pages_profile", "--measure", fh.name], cwd=ROOT, env=env
        ).returncode
    finally:
        os.unlink(fh.name)


class _Wsgi:
    """Requests through the WSGI application, as gunicorn makes them (no test client in between)."""

    def __init__(self, application):
        self.application = application

    def get(self, path, cookie="", address="198.51.100.1", method="GET", body=b"", headers=None):
        from io import BytesIO

        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_X_FORWARDED_FOR": address,
            "HTTP_USER_AGENT": "portal-load/1",
            "wsgi.input": BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "CONTENT_LENGTH": str(len(body)),
            **(headers or {}),
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = response_headers

        result = self.application(environ, start_response)
        try:
            data = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        cookies = SimpleCookie()
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                cookies.load(value)
        return answer["status"], data, {k: m.value for k, m in cookies.items()}


def _sign_in(wsgi, email, address, password):
    def ask(method: str, path: str, cookie: str, body: bytes):
        # The form's POST as a browser sends it; the page's GET with the proxy header only.
        headers = {"CONTENT_TYPE": "application/x-www-form-urlencoded", "HTTP_ORIGIN": "http://127.0.0.1"}
        return wsgi.get(path, cookie, address, method, body, headers if method == "POST" else None)

    return portal_sign_in(ask, email, password)


def _measure(spec_file: str) -> int:
    with open(spec_file) as fh:
        spec = json.load(fh)
    import psycopg
    from django.core.wsgi import get_wsgi_application

    wsgi = _Wsgi(get_wsgi_application())

    from bench import portal_load
    from custodian.audit.models import AccessEvent

    customers = []
    for i, email in enumerate(spec["emails"]):
        address = f"198.51.100.{1 + i}"
        customers.append((_sign_in(wsgi, email, address, portal_load.PASSWORD), address))
    pages = [*portal_load.PAGES, portal_load.BASELINE_PATH]
    statements = []
    counting = [False]
    sizes = {}

    # Counted at the driver, below Django's cursor: the gate and the session run some statements on the
    # driver's cursor directly, and the connection's health check is one of a request's round trips too.
    def counted(execute):
        def wrapper(self, query, *args, **kwargs):
            if counting[0]:
                statements.append(query if isinstance(query, str) else repr(query))
            return execute(self, query, *args, **kwargs)

        return wrapper

    # The CPU spent rendering templates (the outermost render of a request).
    rendering = {"depth": 0, "spent": 0.0}
    from django.template.backends.django import Template

    def timed(render):
        def wrapper(self, *args, **kwargs):
            rendering["depth"] += 1
            began = time.process_time()
            try:
                return render(self, *args, **kwargs)
            finally:
                rendering["depth"] -= 1
                if not rendering["depth"]:
                    rendering["spent"] += time.process_time() - began

        return wrapper

    Template.render = timed(Template.render)
    psycopg.Cursor.execute = counted(psycopg.Cursor.execute)
    psycopg.Cursor.executemany = counted(psycopg.Cursor.executemany)

    def one(path, n):
        cookie, address = customers[n % len(customers)]
        if path == portal_load.BASELINE_PATH:
            cookie = ""
        status, body, _ = wsgi.get(path, cookie=cookie, address=address)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        sizes[path] = len(body)

    for n in range(2 * len(customers)):  # warm: statements prepared, templates compiled, caches filled
        for path in pages:
            one(path, n)
    cpu = {p: [] for p in pages}
    gc_spent, gc_began = [0.0, 0], [0.0]

    def gc_timed(phase, info):
        if phase == "start":
            gc_began[0] = time.process_time()
        else:
            gc_spent[0] += time.process_time() - gc_began[0]
            gc_spent[1] += info["generation"] == 2

    gc.callbacks.append(gc_timed)
    templates = {p: [] for p in pages}
    queries, events = {}, {}
    for path in pages:
        before = AccessEvent.objects.count()
        statements.clear()
        counting[0] = True
        one(path, 0)
        counting[0] = False
        queries[path] = list(statements)
        events[path] = AccessEvent.objects.count() - before
    # CPU time, not wall time: waiting for PostgreSQL is not what a request costs the machine.
    profiler = cProfile.Profile(time.process_time) if spec["profile"] else None
    wanted = spec["profile"]
    for n in range(spec["rounds"]):
        for path in pages:
            profiled = profiler is not None and (
                wanted == path
                or wanted == "mix"
                and path != portal_load.BASELINE_PATH
                or wanted == "baseline"
                and path == portal_load.BASELINE_PATH
            )
            rendering["spent"] = 0.0
            began = time.process_time()
            if profiled:
                profiler.enable()
            one(path, n)
            if profiled:
                profiler.disable()
            cpu[path].append(time.process_time() - began)
            templates[path].append(rendering["spent"])
    heading = f"{'page':40} {'CPU ms (median)':>16} {'mean':>7} {'templates':>10} {'SQL':>5} {'events':>7}"
    print(f"{heading} {'bytes':>9}")
    mix = []
    for path in pages:
        median = statistics.median(cpu[path]) * 1000
        if path != portal_load.BASELINE_PATH:
            mix.append(median)
        rendered = statistics.median(templates[path]) * 1000
        mean = statistics.mean(cpu[path]) * 1000
        print(
            f"{path:40} {median:16.2f} {mean:7.2f} {rendered:10.2f} {len(queries[path]):5d} {events[path]:7d}"
            f" {sizes[path]:9d}"
        )
    print(f"{'the mix (mean of the pages)':40} {statistics.mean(mix):16.2f}")
    print(
        f"garbage collection: {gc_spent[0] * 1000:.1f} ms of CPU, {gc_spent[1]} collections of the oldest "
        "generation"
    )
    if os.environ.get("PROFILE_SQL"):
        for path in pages:
            print(f"\n{path}:")
            for sql in queries[path]:
                print("   ", sql[:160])
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(LINES)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(LINES)
        print(out.getvalue())
    return 0


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--profile", default="", help="a page's path, 'mix' or 'baseline'")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.portal_load_settings")
        import django

        django.setup()
        return _measure(args.measure)
    if "DATABASE_URL" not in os.environ or "CUSTODIAN_VAR_DIR" not in os.environ:
        parser.error("set DATABASE_URL (a migrated PostgreSQL database) and CUSTODIAN_VAR_DIR")
    return _prepare(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
