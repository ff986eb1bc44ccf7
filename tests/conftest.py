"""Shared fixtures: real SQLite and PostgreSQL databases, settings pointed at them.

Tests that take `db_url` (or `engine`) run once on each database. PostgreSQL is
skipped with a reason on a machine without it, and is a failure under CI.
"""

from __future__ import annotations

import os
import tempfile

_home = tempfile.mkdtemp(prefix="mappa-tests-prefect-")
os.environ.setdefault("PREFECT_HOME", _home)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_TO_API_BATCH_INTERVAL", "0.3")
# As the `mappa` command does for its users (cli/main.py): an in-process CLI test that starts Prefect's
# temporary server must not give up after Prefect's 20 s on a slow machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import pytest  # noqa: E402

from config.settings import get_settings  # noqa: E402
from db.session import make_engine  # noqa: E402
from tests.support.databases import PostgresFactory, SqliteFactory, require_postgres  # noqa: E402

pytest_plugins = ["tests.support.prefect_harness", "tests.support.fixtures"]


@pytest.fixture(scope="session")
def sqlite_factory(tmp_path_factory):
    return SqliteFactory(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_factory():
    require_postgres()
    factory = PostgresFactory()
    yield factory
    factory.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, migrated database, once on SQLite and once on PostgreSQL."""
    factory = request.getfixturevalue(f"{request.param}_factory")
    url = factory.create(tmp_path)
    yield url
    factory.drop(url)


@pytest.fixture
def sqlite_url(sqlite_factory, tmp_path):
    return sqlite_factory.create(tmp_path)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def mappa_env(db_url, tmp_path, monkeypatch):
    """Settings for code that reads the environment (CLI, flows): this test's database and folders."""
    monkeypatch.setenv("MAPPA_DATABASE_URL", db_url)
    monkeypatch.setenv("MAPPA_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "memory")
    monkeypatch.setenv("MAPPA_MAIL_DIR", str(tmp_path / "mail"))
    get_settings.cache_clear()
    yield db_url
    get_settings.cache_clear()
