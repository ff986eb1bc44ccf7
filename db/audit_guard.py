"""Database-side guards that make the audit table append-only.

The application never updates or deletes audit rows, but an audit trail that only
the application protects proves little: these triggers make the database refuse.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

MESSAGE = "audit_events is append-only"

SQLITE = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]

POSTGRES = [
    f"""CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse()",
]

DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_events_no_update", "DROP TRIGGER IF EXISTS audit_events_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
        "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
        "DROP FUNCTION IF EXISTS audit_events_refuse()",
    ],
}


def install_audit_guard(connection: Connection) -> None:
    statements = POSTGRES if connection.dialect.name == "postgresql" else SQLITE
    for statement in statements:
        connection.exec_driver_sql(statement)


def remove_audit_guard(connection: Connection) -> None:
    for statement in DROP.get(connection.dialect.name, DROP["sqlite"]):
        connection.exec_driver_sql(statement)
