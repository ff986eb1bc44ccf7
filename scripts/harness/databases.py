"""Real databases: SQLite files and PostgreSQL databases cloned from a migrated template.

Migrating once per session and cloning per test keeps every test on a fresh,
fully migrated database (triggers included) for a few milliseconds on SQLite
and well under a second on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.migrate import upgrade
from db.session import make_engine

POSTGRES_URL = os.environ.get("MAPPA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None if it can."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means "not here"
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is not reachable ({type(error).__name__})"
    return None


class SqliteFactory:
    def __init__(self, folder: Path):
        self.template = folder / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        engine.dispose()

    def create(self, folder: Path) -> str:
        target = folder / f"mappa-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresFactory:
    def __init__(self):
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.template_name = f"mappa_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._execute(f'CREATE DATABASE "{self.template_name}"')
        engine = make_engine(self._url(self.template_name))
        upgrade(engine)
        engine.dispose()

    def _url(self, name: str) -> str:
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def create(self, folder: Path) -> str:
        name = f"mappa_t_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}" STRATEGY FILE_COPY')
        return self._url(name)

    def drop(self, url: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')
        self.admin.dispose()
