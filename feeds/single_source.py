"""One source of truth per establishment: an establishment fed by the HMPPS sync ignores CSV rows.

Its prisoners' `releases` rows and `allocations` rows are skipped (and reported as skipped),
so the two sources never flip-flop; the MAPP meeting date of an allocations row still lands,
because no API carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Prisoner, SourceSync

GUARDED = ("releases", "allocations")
NOT_MEETING = {"mappa_category": None, "mappa_level": None, "confirmed_on": None}


def split(session: Session, kind: str, chunk: Sequence[dict[str, Any]]) -> tuple[list[dict], list[dict], int]:
    """(rows to import as usual, allocations rows reduced to their meeting date, rows skipped)."""
    if kind not in GUARDED or not chunk:
        return list(chunk), [], 0
    fed = set(session.scalars(select(SourceSync.establishment_code)))
    if not fed:
        return list(chunk), [], 0
    numbers = [row["prison_number"] for row in chunk]
    statement = select(Prisoner.prison_number, Prisoner.establishment_code).where(Prisoner.prison_number.in_(numbers))
    where = dict(session.execute(statement).tuples().all())
    kept, meetings, skipped = [], [], 0
    for row in chunk:
        if where.get(row["prison_number"]) in fed or (kind == "releases" and row["establishment_code"] in fed):
            skipped += 1
            if kind == "allocations" and row["mapp_meeting_date"] is not None:
                meetings.append(dict(row) | NOT_MEETING)
        else:
            kept.append(dict(row))
    return kept, meetings, skipped
