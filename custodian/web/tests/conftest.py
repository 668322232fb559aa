"""The real-browser tests' server: `manage.py runserver` on a fresh database with the demo utility, started
once for every browser test of the run."""

import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from custodian.testing.servers import free_port, site_migrated
from custodian.web.tests.browser import ARTIFACTS


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    var = tmp_path_factory.mktemp("browser-var")
    env = site_migrated(var, DEBUG="1", CUSTODIAN_CONTACT_RATE_LIMIT="100")
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "seed_demo", "--customers", "8", "--seed", "3", "--no-progress"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = open(var / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Up to a minute: on a busy machine the development server takes a while to start.
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert server.poll() is None, (var / "server.log").read_text()
            time.sleep(0.1)
    ARTIFACTS.mkdir(exist_ok=True)
    yield {"url": f"http://127.0.0.1:{port}", "log": var / "server.log", "var": var}
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as p:
        yield p
