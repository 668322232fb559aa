"""analytics_overhead: requests/s of a public page with first-party analytics on vs off — the same server
code, two server processes side by side (one with CUSTODIAN_ANALYTICS_ENABLED=0), the same database, a load
generator on loopback alternating between them in short slices."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.harness import free_port

NAME = "analytics_overhead"
UNIT = "requests/s"
TARGET = 0.8
DATABASES = ["sqlite"]
OURS = "GET /services/ with the page-view middleware on (ua-parser, masking, batched writes)"
BASELINE = "the same request to the same code with analytics off"
ROOT = Path(__file__).resolve().parent.parent
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
]


def _serve(analytics: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DEBUG": "1", "CUSTODIAN_ANALYTICS_ENABLED": "1" if analytics else "0"}
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def _load(port: int, seconds: float, workers: int = 4) -> int:
    """Requests completed in `seconds` by `workers` threads, each request on a fresh connection."""
    done = [0] * workers
    stop = time.perf_counter() + seconds

    def work(i):
        n = 0
        while time.perf_counter() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(
                "GET",
                "/services/?utm=x",
                headers={"User-Agent": AGENTS[n % len(AGENTS)], "Referer": "https://www.example.org/links"},
            )
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                n += 1
        done[i] = n

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done)


def measure(db: str) -> dict:
    on, on_port = _serve(analytics=True)
    off, off_port = _serve(analytics=False)
    try:
        _load(on_port, 1.0), _load(off_port, 1.0)  # warm both
        slices, seconds = 10, 2.0
        ours = baseline = 0
        for _ in range(slices):
            ours += _load(on_port, seconds)
            baseline += _load(off_port, seconds)
        from custodian.analytics.models import PageView

        time.sleep(3)  # let the batched writer flush
        counted = PageView.objects.count()
    finally:
        for proc in (on, off):
            proc.terminate()
            proc.wait(timeout=10)
    total = slices * seconds
    return {
        "ours": ours / total,
        "baseline": baseline / total,
        "n": ours + baseline,
        "page_views_stored": counted,
    }
