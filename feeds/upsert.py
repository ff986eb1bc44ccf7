"""Upserting a chunk of rows into one table, set-based, with the audit events it causes.

One SELECT loads what we already hold for the chunk's keys; rows are compared in
Python; inserts and updates go to the database as two executemany statements.
A row that changes nothing is not written, so importing a file twice writes
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.audit import Event
from db.bulk import insert_rows, one_of
from feeds.kinds import Target

INSERTED, UPDATED, UNCHANGED = "inserted", "updated", "unchanged"


def upsert(
    session: Session, target: Target, rows: Sequence[Mapping[str, Any]], actor: str
) -> tuple[list[str], list[Event]]:
    """Apply the rows (parsed, keys unique) to the target table: one outcome per row, and the events."""
    given = [target.given(row) for row in rows]
    current = _current(session, target, [values[target.key] for values in given if values])
    inserts, updates, events, outcomes = [], [], [], []
    for values in given:
        if values is None:
            outcomes.append(UNCHANGED)
            continue
        before = current.get(values[target.key])
        after = target.merged(before, values)
        if before is None:
            inserts.append(after | target.stamp)
            events.append(_added(target, after, actor))
            outcomes.append(INSERTED)
            continue
        if before == after:  # most rows of a daily file: one comparison of two dicts, in C
            outcomes.append(UNCHANGED)
            continue
        changed = [name for name in target.fields if before[name] != after[name]]
        if changed:
            updates.append({name: after[name] for name in (target.key, *changed)} | target.stamp)
            events.extend(_changes(target, before, after, changed, actor))
        outcomes.append(UPDATED if changed else UNCHANGED)
    if inserts:
        insert_rows(session, target.model.__table__, inserts)
    if updates:
        session.execute(update(target.model), updates)
    return outcomes, events


def _current(session: Session, target: Target, keys: list[Any]) -> dict[Any, Mapping[str, Any]]:
    if not keys:
        return {}
    table = target.model.__table__
    statement = select(*(table.c[name] for name in target.fields)).where(one_of(session, table.c[target.key], keys))
    # Plain dicts from plain tuples (one fetchall): a re-import reads every row it holds, and a
    # RowMapping per row cost more than comparing them.
    names = target.fields
    return {row[0]: dict(zip(names, row)) for row in session.execute(statement).tuples().all()}


def _subject(target: Target, values: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The prison number for the event's column; codes (establishments, PDUs) go in the detail."""
    if target.key == "prison_number":
        return values["prison_number"], {}
    return None, {target.key: values[target.key]}


def _added(target: Target, after: Mapping[str, Any], actor: str) -> Event:
    prison_number, detail = _subject(target, after)
    known = {name: after[name] for name in target.audited_fields if after[name] is not None}
    return Event(target.added, actor, prison_number, detail | {"after": known})


def _changes(
    target: Target, before: Mapping[str, Any], after: Mapping[str, Any], changed: list[str], actor: str
) -> list[Event]:
    prison_number, detail = _subject(target, after)
    events = []
    for kind, names in target.audited.items():
        names = [name for name in names if name in changed]
        if names:
            events.append(
                Event(
                    kind,
                    actor,
                    prison_number,
                    detail
                    | {
                        "before": {name: before[name] for name in names},
                        "after": {name: after[name] for name in names},
                    },
                )
            )
    return events
