from __future__ import annotations

from sqlalchemy import select

from db.models import Allocation, AuditEvent, MappaInformation, Prisoner, ProbationCheck, SourceSync
from db.session import session_factory


def row(engine, model, key):
    with session_factory(engine)() as session:
        return session.get(model, key)


def prisoner(engine, number) -> Prisoner | None:
    return row(engine, Prisoner, number)


def allocation(engine, number) -> Allocation | None:
    return row(engine, Allocation, number)


def information(engine, number) -> MappaInformation | None:
    return row(engine, MappaInformation, number)


def check(engine, number) -> ProbationCheck | None:
    return row(engine, ProbationCheck, number)


def source_sync(engine, code) -> SourceSync | None:
    return row(engine, SourceSync, code)


def events(engine, number=None) -> list[tuple[str, str]]:
    with session_factory(engine)() as session:
        statement = select(AuditEvent.actor, AuditEvent.kind).order_by(AuditEvent.seq)
        if number:
            statement = statement.where(AuditEvent.prison_number == number)
        return [tuple(r) for r in session.execute(statement)]
