"""The schema: migrations match the models and the audit table refuses changes."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.migrate import current_revision, head_revision, upgrade
from db.models import Base


def test_it_migrates_to_the_head_revision(engine):
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # a second run is a no-op


# SQLite cannot reflect an expression index (ix_cases_open_order), so it is compared on PostgreSQL only;
# tests/web/test_caseload_query.py shows SQLite's is there and used
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning", "ignore:.*expression-based index")
def test_the_migrations_match_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET kind = 'x'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_audit_rows(engine, statement):
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (seq, at, actor, kind, detail, prev_hash, hash) "
                "VALUES (1, '2026-11-26 02:00:00', 'test', 'k', '{}', 'a', 'b')"
            )
        )
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))
