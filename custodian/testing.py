"""Helpers for the test suite."""

import os
from pathlib import Path

import pytest

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

# The PostgreSQL-only tests run in CI's second pass (DATABASE_URL pointing at PostgreSQL).
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: run with DATABASE_URL=postgres://…"
)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_file(relative: str) -> Path:
    """A file of ../shared; fails with a clear message when ../shared is not beside the project."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(
            f"missing {path}: these tests read the shared files from ../shared beside the project root"
        )
    return path
