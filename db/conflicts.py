"""INSERT ... ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike.

This is the database-level guard that lets two runs of the same night race:
whichever commits a key first wins, the other inserts nothing.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.bulk import insert_rows


def insert_new(session: Session, model, rows: list[dict], key: str, returning=()):
    """Insert the rows whose `key` is not taken yet; return the inserted rows' `returning` columns."""
    if not rows:
        return []
    # The table, not the mapped class: the ORM's bulk path does per-row bookkeeping we never use.
    table = model.__table__
    if not returning:
        insert_rows(session, table, rows, unless_taken=key)
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[key])
    return session.execute(statement.returning(*(table.c[column.key] for column in returning)), rows).all()
