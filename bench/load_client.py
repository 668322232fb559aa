"""A load client for portal_load: `python -m bench.load_client PORT SECONDS SPEC_JSON` where the spec lists
customers (their session cookie and client address) and the paths each one cycles through. Each customer is a
thread running a bounded loop (until SECONDS have passed) against 127.0.0.1 only; it prints per-path counts,
errors and latencies (ms) as JSON."""

import http.client
import json
import sys
import threading
import time


def per_path(parts: list[dict], paths: list[str], spent_key: str) -> tuple[dict, dict]:
    """The requests answered and the milliseconds spent on each path, summed over `parts` (each with its
    `counts` and, under `spent_key`, its milliseconds by path)."""
    counts = dict.fromkeys(paths, 0)
    spent = dict.fromkeys(paths, 0.0)
    for part in parts:
        for path, n in part["counts"].items():
            counts[path] += n
            spent[path] += part[spent_key][path]
    return counts, spent


def run(port: int, seconds: float, spec: dict) -> dict:
    paths = spec["paths"]
    results = []
    lock = threading.Lock()
    start_at = time.time() + spec.get("start_delay", 0.0)
    stop_at = start_at + seconds

    def customer(cookie: str, address: str, offset: int):
        counts = dict.fromkeys(paths, 0)
        spent = dict.fromkeys(paths, 0.0)
        latencies, errors, last = [], [], start_at
        headers = {"X-Forwarded-For": address, "User-Agent": "portal-load/1"}
        if cookie:
            headers["Cookie"] = cookie
        time.sleep(max(0.0, start_at - time.time()))
        i = offset
        while time.time() < stop_at:  # bounded: ends when the time is up
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError as exc:
                status = f"{type(exc).__name__}"
            took = (time.perf_counter() - began) * 1000
            last = time.time()
            if status == 200:
                counts[path] += 1
                spent[path] += took
                latencies.append(took)
            else:
                errors.append(f"{path} {status}")
        with lock:
            results.append(
                {"counts": counts, "spent": spent, "latencies": latencies, "errors": errors, "last": last}
            )

    threads = [
        threading.Thread(target=customer, args=(c["cookie"], c["address"], n))
        for n, c in enumerate(spec["customers"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts, spent = per_path(results, paths, "spent")
    return {
        "counts": counts,
        "spent_ms": spent,
        # from the common start to the last answer: requests still running at the deadline are waited for
        "elapsed": max(r["last"] for r in results) - start_at,
        "latencies": [x for r in results for x in r["latencies"]],
        "errors": [e for r in results for e in r["errors"]],
    }


if __name__ == "__main__":
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    with open(sys.argv[3]) as fh:
        spec = json.load(fh)
    print(json.dumps(run(port, seconds, spec)))
