"""Rejected rows about MAPPA prisoners become data problems, not only lines in an import report.

A row is about a MAPPA prisoner when its own category cell says 1-4, or the tracker already
knows the person as MAPPA (the prison's identification, or a tracked case). The problem stays
open until a later import of the same feed accepts a row for that prisoner.
"""

from __future__ import annotations

import re

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from db.models import Case, Prisoner, RejectedRow
from db.types import utcnow
from feeds.report import Rejection

PRISON_NUMBER = re.compile(r"[A-Z][0-9]{4}[A-Z]{2}")
CATEGORY = re.compile(r"[1-4]")


def cell(header_positions: dict[str, int], cells, name: str) -> str:
    index = header_positions.get(name)
    if index is None or isinstance(cells, str) or index >= len(cells):
        return ""
    return cells[index].strip().upper()


def about_whom(positions: dict[str, int], cells) -> tuple[str, str | None, bool] | None:
    """(prison number, establishment code, category in the row) of a rejected row, if it names one."""
    number = cell(positions, cells, "prison_number")
    if not PRISON_NUMBER.fullmatch(number):
        return None
    establishment = cell(positions, cells, "establishment_code")[:3] or None
    return number, establishment, bool(CATEGORY.fullmatch(cell(positions, cells, "mappa_category")))


def record_rejections(session: Session, kind: str, file: str, found: list[tuple[Rejection, tuple]]) -> int:
    if not found:
        return 0
    numbers = {who[0] for _, who in found}
    known = set(
        session.scalars(
            select(Prisoner.prison_number)
            .outerjoin(Case, Case.prison_number == Prisoner.prison_number)
            .where(
                Prisoner.prison_number.in_(numbers),
                or_(
                    Prisoner.mappa_category.between(1, 4),
                    Prisoner.prison_mappa_level.is_not(None),
                    Case.prison_number.is_not(None),
                ),
            )
        )
    )
    establishment_of = dict(
        session.execute(
            select(Prisoner.prison_number, Prisoner.establishment_code).where(Prisoner.prison_number.in_(numbers))
        ).all()
    )
    rows = [
        {
            "kind": kind,
            "file": file[:255],
            "line": rejection.line,
            "reason": (f"column {rejection.column}: " if rejection.column else "") + rejection.reason,
            "prison_number": number,
            "establishment_code": establishment_of.get(number) or establishment,
            "rejected_at": utcnow(),
        }
        for rejection, (number, establishment, says_mappa) in found
        if says_mappa or number in known
    ]
    if rows:
        session.execute(insert(RejectedRow.__table__), rows)
    return len(rows)


def mark_fixed(session: Session, kind: str, prison_numbers: list[str]) -> None:
    """Rejections of this feed still open for these prisoners are fixed: their row has now landed.

    The open rejections are few, the chunk's prisoners thousands: look up the few, then update
    only those (an UPDATE naming 5,000 prison numbers cost more than the chunk's own inserts).
    """
    if not prison_numbers:
        return
    still_open = set(
        session.scalars(
            select(RejectedRow.prison_number).where(RejectedRow.kind == kind, RejectedRow.fixed_at.is_(None))
        )
    )
    fixed = [number for number in prison_numbers if number in still_open]
    if fixed:
        session.execute(
            update(RejectedRow)
            .where(RejectedRow.kind == kind, RejectedRow.prison_number.in_(fixed), RejectedRow.fixed_at.is_(None))
            .values(fixed_at=utcnow())
        )
