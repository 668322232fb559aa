"""A site of its own for tests that start real server processes: a free port on loopback and a migrated
database in a directory of the test's, in an environment without the test run's own database."""

import os
import socket
import subprocess
import sys

from django.conf import settings


def free_port() -> int:
    """A port on 127.0.0.1 no one listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_migrated(var, *, leave_out=("DATABASE_URL",), timeout=None, **settings_env) -> dict:
    """The environment of a site kept in `var` (this run's environment but `leave_out`, with `settings_env`
    on top), its SQLite database migrated (within `timeout` seconds, if given)."""
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update({"CUSTODIAN_VAR_DIR": str(var), **settings_env})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=timeout,
    )
    return env
