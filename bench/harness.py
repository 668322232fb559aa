"""What the benchmarks share: a size taken from the environment (a small one for a quick check), the clock
on ours and on the baseline, a measuring process of its own that prints its figures as JSON on its last
line (`bench.child`, and the benchmarks whose main module the gate's process pool imports), a free port on
loopback, and a portal sign-in that keeps the cookies a browser keeps."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode


def size(variable: str, default: int) -> int:
    """A benchmark's size: `default`, or the whole number in the environment variable `variable`."""
    return int(os.environ.get(variable, str(default)))


def seconds(work: Callable[[], object]) -> float:
    """The wall-clock seconds one call of `work` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def best_of(rounds: int, *sides: Callable[[], float]) -> tuple[float, ...]:
    """The shortest of `rounds` runs of each side (each returning the seconds it took), the sides taking
    turns in the order given so that all see the same machine; in that order."""
    times = [[] for _ in sides]
    for _ in range(rounds):
        for side, taken in zip(sides, times, strict=True):
            taken.append(side())
    return tuple(min(taken) for taken in times)


def django_ready() -> None:
    """Django set up in this process, measuring as in production: no per-query debug bookkeeping (it costs
    ours and the baseline alike)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")
    import django  # the settings module is chosen above, before Django reads it

    django.setup()
    from django.conf import settings  # only once Django is set up

    settings.DEBUG = False


def figures_print(figures: dict) -> None:
    """A measuring process's answer: its figures as JSON, on the last line of its output."""
    print(json.dumps(figures))


def figures_read(output: str) -> dict:
    """The figures a measuring process printed (the last line of its output)."""
    return json.loads(output.strip().splitlines()[-1])


def figures_measured_apart(module: str) -> dict:
    """Runs `python -m <module>`, a measuring process of its own with Django's settings (its main module one
    the gate's process pool may import), and returns the figures it prints."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="custodian.settings")
    out = subprocess.run([sys.executable, "-m", module], env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"{module} failed ({out.returncode}): {out.stderr[-3000:]}")
    return figures_read(out.stdout)


def free_port() -> int:
    """A port on 127.0.0.1 no one listens on now, for a server the benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A request to the portal: (method, path, cookie header, form body) -> (status, body, cookies it set).
Ask = Callable[[str, str, str, bytes], tuple[int, bytes, dict[str, str]]]


def portal_sign_in(ask: Ask, email: str, password: str) -> str:
    """Signs in on the portal's form through `ask` and returns the Cookie header a browser would send next:
    the session's cookie and the CSRF token's (rotated at sign-in). Without the latter every page would make
    and set a new token, work no browser makes a server do."""
    from django.conf import settings  # a benchmark imports this module before Django is set up

    _, page, cookies = ask("GET", "/portal/sign-in/", "", b"")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    csrf = cookies[settings.CSRF_COOKIE_NAME]
    body = urlencode({"email": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    status, _, cookies = ask("POST", "/portal/sign-in/", f"{settings.CSRF_COOKIE_NAME}={csrf}", body)
    if status != 302 or settings.SESSION_COOKIE_NAME not in cookies:
        raise RuntimeError(f"sign-in failed with {status}")
    csrf = cookies.get(settings.CSRF_COOKIE_NAME, csrf)
    return (
        f"{settings.SESSION_COOKIE_NAME}={cookies[settings.SESSION_COOKIE_NAME]}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )
