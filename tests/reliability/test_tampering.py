"""The audit trail: the database refuses changes, and a change made behind its back is named by `mappa audit verify`."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from db.audit_guard import install_audit_guard, remove_audit_guard
from scripts.harness import hostile as x
from scripts.harness import trials as h
from tests.chase.helpers import run_night


@pytest.fixture
def trail(engine):
    h.build_cases(engine)
    run_night(engine, h.SETUP_NIGHT)
    run_night(engine, h.NIGHT)
    return engine


@pytest.mark.parametrize(
    "statement",
    [
        "update audit_events set actor = 'someone else' where seq = 3",
        "update audit_events set detail = '{}'",
        "delete from audit_events where seq = (select max(seq) from audit_events)",
        "delete from audit_events",
    ],
)
def test_audit_rows_cannot_be_updated_or_deleted_through_the_database(trail, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with trail.begin() as connection:
            connection.exec_driver_sql(statement)
    assert h.audit_ok(trail)


def test_audit_rows_cannot_be_truncated_on_postgresql(trail):
    if trail.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(DatabaseError, match="append-only"):
        with trail.begin() as connection:
            connection.exec_driver_sql("truncate audit_events")


def behind_the_triggers(engine, statement: str) -> None:
    """What someone with the database owner's rights could do: switch the guard off, change, switch it on."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            connection.exec_driver_sql(statement)
        else:
            remove_audit_guard(connection)
            connection.exec_driver_sql(statement)
            install_audit_guard(connection)


@pytest.mark.parametrize(
    ("statement", "row", "why"),
    [
        ('update audit_events set detail = \'{"to": ["nobody@justice.gov.uk"]}\' where seq = 9', 9, "altered"),
        ("update audit_events set prison_number = 'Z9999ZZ' where seq = 4", 4, "altered"),
        (
            "update audit_events set at = at where seq = 2; update audit_events set actor = 'a clerk' where seq = 2",
            2,
            "altered",
        ),
        ("delete from audit_events where seq = 5", 5, "missing"),
    ],
)
def test_a_row_changed_behind_the_triggers_is_named_by_audit_verify(trail, db_url, tmp_path, statement, row, why):
    code, out, err, _ = x.mappa(["audit", "verify"], db_url, tmp_path / "var")
    assert code == 0 and "intact" in out
    for part in statement.split("; "):
        behind_the_triggers(trail, part)
    code, out, err, _ = x.mappa(["audit", "verify"], db_url, tmp_path / "var")
    assert code == 1 and "Traceback" not in err
    assert f"BROKEN at row {row}:" in err and why in err
    with trail.connect() as connection:  # and the guard is back on
        assert connection.execute(text("select count(*) from audit_events")).scalar() > 0
