"""Fixtures of the reliability suite: the scenario prepared once per database kind, copied per trial."""

from __future__ import annotations

import pytest

from scripts.harness.trials import Databases
from tests.support.databases import require_postgres


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def databases(request, tmp_path_factory):
    """Fresh databases (`create()`) and copies of the prepared scenario (`prepared()`), SQLite and PostgreSQL."""
    if request.param == "postgres":
        require_postgres()
    made = Databases(request.param, tmp_path_factory.mktemp(f"reliability-{request.param}"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def postgres_databases(tmp_path_factory):
    require_postgres()
    made = Databases("postgres", tmp_path_factory.mktemp("reliability-pg"))
    yield made
    made.close()
