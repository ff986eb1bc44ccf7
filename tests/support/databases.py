"""Real databases for tests; the factories live in scripts.harness.databases (the scripts use them too).

Only what needs pytest stays here: `require_postgres`, which skips (or, under CI, fails) without PostgreSQL.
"""

from __future__ import annotations

import os

import pytest

from scripts.harness.databases import POSTGRES_URL, PostgresFactory, SqliteFactory, postgres_problem

__all__ = ["POSTGRES_URL", "PostgresFactory", "SqliteFactory", "postgres_problem", "require_postgres"]


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem}; under CI PostgreSQL is required", pytrace=False)
    pytest.skip(f"{problem}; start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
