"""What the sync reads from and writes to the database, set-based, one establishment at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from db import audit
from db.models import Case, MappaInformation, Prisoner, ProbationCheck, SourceSync, Team
from db.types import utcnow
from feeds.kinds import Target
from feeds.upsert import INSERTED, UPDATED, upsert
from rules.information import Information, missing_information

CHUNK = 900  # keys per IN (...): well inside SQLite's bound variables


@dataclass(frozen=True)
class Known:
    """What we hold about a prisoner the sync sees (or expected to see)."""

    establishment_code: str | None
    released_on: date | None
    thd: date | None
    tracked: bool
    closed: bool
    complete: bool  # the COM's information is all in (the case closes at the next check)


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def known_prisoners(session: Session, code: str, numbers: Sequence[str]) -> dict[str, Known]:
    """Everyone stored at this establishment, and anyone listed there who is stored elsewhere."""
    columns = (
        Prisoner.prison_number,
        Prisoner.establishment_code,
        Prisoner.released_on,
        Prisoner.thd,
        Prisoner.mappa_category,
        Prisoner.prison_mappa_level,
        MappaInformation.category,
        MappaInformation.level,
        MappaInformation.meeting_date,
        MappaInformation.not_eligible,
        Case.prison_number,
        Case.closed_state,
    )
    base = (
        select(*columns)
        .outerjoin(MappaInformation, MappaInformation.prison_number == Prisoner.prison_number)
        .outerjoin(Case, Case.prison_number == Prisoner.prison_number)
    )
    rows = list(session.execute(base.where(Prisoner.establishment_code == code)))
    for part in chunks(list(numbers)):
        elsewhere = or_(Prisoner.establishment_code != code, Prisoner.establishment_code.is_(None))
        rows += session.execute(base.where(Prisoner.prison_number.in_(part), elsewhere))
    known = {}
    for (
        number,
        prison,
        released,
        thd,
        prison_cat,
        prison_level,
        category,
        level,
        meeting,
        ineligible,
        case,
        closed,
    ) in rows:
        tracked = (
            (prison_cat is not None and 1 <= prison_cat <= 4)
            or prison_level is not None
            or (category is not None and 1 <= category <= 4)
            or (level is not None and 1 <= level <= 3)
            or case is not None
        )
        valid = category in (None, 1, 2, 3, 4) and level in (None, 0, 1, 2, 3)
        complete = valid and not missing_information(Information(category, level, meeting, bool(ineligible)))
        known[number] = Known(prison, released, thd, tracked, closed is not None, complete)
    return known


def probation_checks(session: Session, numbers: Sequence[str]) -> dict[str, tuple[date, str | None]]:
    found = {}
    for part in chunks(list(numbers)):
        statement = select(ProbationCheck.prison_number, ProbationCheck.asked_on, ProbationCheck.establishment_code)
        for number, asked_on, where in session.execute(statement.where(ProbationCheck.prison_number.in_(part))):
            found[number] = (asked_on, where)
    return found


def teams(session: Session) -> dict[str, dict[str, Any]]:
    statement = select(Team.code, Team.pdu_code, Team.spo_name, Team.spo_email)
    return {row.code: dict(row._mapping) for row in session.execute(statement)}


def write(session: Session, target: Target, rows: list[dict], actor: str) -> tuple[int, int]:
    """Upsert and audit exactly as an import does; (new, changed)."""
    new = changed = 0
    for part in chunks(rows, 5000):
        outcomes, events = upsert(session, target, part, actor)
        audit.append(session, events)
        new, changed = new + outcomes.count(INSERTED), changed + outcomes.count(UPDATED)
    return new, changed


def record_asks(session: Session, rows: list[dict]) -> None:
    """The probation_checks rows: insert the new ones, update the rest (no audit: not chase data)."""
    for part in chunks(rows):
        held = set(
            session.scalars(
                select(ProbationCheck.prison_number).where(
                    ProbationCheck.prison_number.in_([row["prison_number"] for row in part])
                )
            )
        )
        fresh = [row for row in part if row["prison_number"] not in held]
        if fresh:
            session.execute(insert(ProbationCheck.__table__), fresh)
        if len(fresh) < len(part):
            session.execute(update(ProbationCheck), [row for row in part if row["prison_number"] in held])


def record_sync(session: Session, code: str, night: date | None, error: str | None) -> None:
    """A whole fetch stamps the success; a failure stamps the attempt and error, keeping the last success."""
    now = utcnow()
    row = session.get(SourceSync, code)
    if row is None:
        row = SourceSync(establishment_code=code, source="prisoner-search")
        session.add(row)
    row.last_attempt_at, row.last_error = now, error
    if error is None:
        row.last_success_at, row.last_success_night = now, night
    session.flush()


def sync_fed(session: Session) -> set[str]:
    return set(session.scalars(select(SourceSync.establishment_code)))
