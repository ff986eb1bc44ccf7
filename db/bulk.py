"""Plain inserts of many new rows, at the speed of the driver.

`session.execute(insert(table), rows)` spends most of its time in SQLAlchemy's per-row parameter
handling, not in the database: an import of 90,000 prisoners writes 180,000 rows (the table and the
audit trail), and that handling was half its cost. Here each column's own bind processor (the same
one SQLAlchemy would apply: dates, UTC datetimes, JSON) runs once per value, and the rows go to
the driver in one call: PostgreSQL's COPY through psycopg 3, SQLite's executemany. For new rows
(with `unless_taken`, those whose key another run took first are skipped); nothing comes back (no
RETURNING), and the caller's transaction holds them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ARRAY, JSON, ColumnDefault, Connection, Table, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.sqlite import DATE as SQLITE_DATE
from sqlalchemy.orm import Session


def insert_rows(
    db: Session | Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    encoded: Collection[str] = (),
    unless_taken: str | None = None,
) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the caller's transaction.

    `encoded`: columns whose values are already what the driver takes (JSON columns given as JSON text).
    `unless_taken`: a unique column; rows whose value is already there are left out (ON CONFLICT DO
    NOTHING), which is how two runs of one night race safely.
    """
    if not rows:
        return
    connection = db.connection() if isinstance(db, Session) else db
    names = list(rows[0])
    defaults = _defaults(table, names)  # what SQLAlchemy would fill in for the columns not given
    names += list(defaults)
    processors = _processors(connection, table, names, encoded)
    given = [[row[name] for row in rows] for name in names[: len(names) - len(defaults)]]
    given += [[value] * len(rows) for value in defaults.values()]
    values = list(zip(*(_converted(process, column) for process, column in zip(processors, given))))
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    target = connection.dialect.identifier_preparer.format_table(table)
    conflict = f" ON CONFLICT ({quote(unless_taken)}) DO NOTHING" if unless_taken else ""
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" * len(names))
        sql = f"INSERT INTO {target} ({columns}) VALUES ({marks}){conflict}"
        connection.exec_driver_sql(sql, values)
    elif not unless_taken:
        _copy(connection, target, columns, values)
    else:  # COPY has no ON CONFLICT: copy into a scratch table, then insert what is not taken
        scratch = quote(f"new_{table.name}")
        connection.exec_driver_sql(  # the given columns' types only: no constraint to trip over
            f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {columns} FROM {target} WITH NO DATA"
        )
        _copy(connection, scratch, columns, values)
        connection.exec_driver_sql(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {scratch}{conflict}")
        connection.exec_driver_sql(f"DROP TABLE {scratch}")


def update_rows(db: Session | Connection, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update each row found by its `key` with the row's other columns, in the caller's transaction.

    The same per-column conversion as `insert_rows`, the columns' `onupdate` values as SQLAlchemy sets
    them, and one executemany for each set of columns given (rows may differ in which columns they name).
    The ORM's bulk UPDATE by primary key did the same work at a third of the speed, and a national
    night's first re-decision rewrites every case.
    """
    if not rows:
        return
    connection = db.connection() if isinstance(db, Session) else db
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    quote = connection.dialect.identifier_preparer.quote
    target = connection.dialect.identifier_preparer.format_table(table)
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    for given, group in groups.items():
        defaults = _defaults(table, given, updating=True)  # what SQLAlchemy's UPDATE would also set
        names = [name for name in given if name != key] + list(defaults) + [key]
        processors = _processors(connection, table, names, ())
        columns = [[row[name] if name in row else defaults[name] for row in group] for name in names]
        values = list(zip(*(_converted(process, column) for process, column in zip(processors, columns))))
        assignments = ", ".join(f"{quote(name)} = {mark}" for name in names[:-1])
        sql = f"UPDATE {target} SET {assignments} WHERE {quote(key)} = {mark}"
        connection.exec_driver_sql(sql, values)


def _copy(connection: Connection, target: str, columns: str, values: list[tuple[Any, ...]]) -> None:
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
        for value in values:
            copy.write_row(value)


def _defaults(table: Table, given: Collection[str], updating: bool = False) -> dict[str, Any]:
    """Python-side column defaults (scalars, or callables taking no context), once for the batch; with
    `updating`, the `onupdate` ones (a row's `updated_at`)."""
    found = {}
    for column in table.columns:
        default = column.onupdate if updating else column.default
        if column.name in given or default is None or not isinstance(default, ColumnDefault):
            continue
        found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


def _processors(
    connection: Connection, table: Table, names: list[str], encoded: Collection[str]
) -> list[Callable[[Any], Any] | None]:
    found: list[Callable[[Any], Any] | None] = []
    for name in names:
        column_type = table.c[name].type
        if name in encoded:
            found.append(None)
        elif connection.dialect.name == "postgresql" and isinstance(column_type, JSON):
            found.append(_json_for_copy)  # psycopg's dialect leaves JSON to a cast in the SQL; COPY has none
        else:
            # the dialect's own type (SQLite's DATE, DATETIME...), as SQLAlchemy itself would use
            impl = column_type.dialect_impl(connection.dialect)
            process = impl.bind_processor(connection.dialect)
            found.append(_dates_as_iso(process) if process and isinstance(impl, SQLITE_DATE) else process)
    return found


def _dates_as_iso(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's DATE processor builds each date's text through a %-format of a dict; for a plain
    date, `isoformat` gives the same YYYY-MM-DD at a fraction of the cost (an eighth of writing a
    night's cases). Anything else (a datetime, a bad value) still goes through SQLAlchemy's."""

    def convert(value: Any) -> Any:
        return value.isoformat() if type(value) is date else process(value)

    return convert


def _converted(process: Callable[[Any], Any] | None, column: list[Any]) -> list[Any]:
    """One column's values for the driver. A column of one repeated value (the night's timestamp, a
    default) is converted once."""
    if process is None:
        return column
    first = column[0]
    if all(value is first for value in column):
        return [process(first)] * len(column)
    return list(map(process, column))


def _json_for_copy(value: Any) -> Any:
    from psycopg.types.json import Json

    return None if value is None else Json(value)


def one_of(db: Session | Connection, column: Any, values: Sequence[Any]) -> Any:
    """`column IN (values)`, as one parameter: an array on PostgreSQL, a JSON list on SQLite.

    An IN list of thousands renders (and the driver converts) a placeholder per value on every call:
    a third of a PostgreSQL import, a twentieth of a SQLite night. `= ANY(array)` and `IN (SELECT
    value FROM json_each(list))` are one parameter, whatever the count, and their SQL is cached.
    """
    dialect = (db.get_bind() if isinstance(db, Session) else db).dialect
    if dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    if dialect.name == "sqlite" and all(type(value) in (str, int) for value in values):
        listed = select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(list(values)))))
        return column.in_(listed)
    return column.in_(values)
